package ipc

import "github.com/kingserf/king/noun"

// DecodeWrit decodes a writ, checking every field. A noun that is not a
// well-formed writ returns a *DecodeError naming the first bad field, or
// the unknown tag.
func DecodeWrit(n noun.Noun) (Writ, error) {
	d := decoder{kind: "writ"}
	f, err := d.tuple(n, "", "tag", "data")
	if err != nil {
		return nil, err
	}
	// A cell or wide atom gives ok == false and t == 0, which is no tag.
	t, _ := f[0].Word()
	switch t {
	case tagLive:
		return d.live(f[1])
	case tagPeek:
		return d.peek(f[1])
	case tagPlay:
		return d.play(f[1])
	case tagWork:
		return d.work(f[1])
	}
	return nil, d.unknownTag("tag", "%live, %peek, %play or %work", f[0])
}

// live decodes the rest of [%live tag arg].
func (d decoder) live(n noun.Noun) (Writ, error) {
	f, err := d.tuple(n, "live", "tag", "arg")
	if err != nil {
		return nil, err
	}
	t, _ := f[0].Word()
	switch t {
	case tagCram:
		eve, err := d.u64(f[1], "live.cram.eve")
		if err != nil {
			return nil, err
		}
		return LiveCram{Eve: eve}, nil
	case tagExit:
		cod, err := d.byte8(f[1], "live.exit.cod")
		if err != nil {
			return nil, err
		}
		return LiveExit{Code: cod}, nil
	case tagSave:
		eve, err := d.u64(f[1], "live.save.eve")
		if err != nil {
			return nil, err
		}
		return LiveSave{Eve: eve}, nil
	case tagMeld:
		if err := d.null(f[1], "live.meld"); err != nil {
			return nil, err
		}
		return LiveMeld{}, nil
	case tagPack:
		if err := d.null(f[1], "live.pack"); err != nil {
			return nil, err
		}
		return LivePack{}, nil
	}
	return nil, d.unknownTag("live.tag", "%cram, %exit, %save, %meld or %pack", f[0])
}

// peek decodes the rest of [%peek mil sam].
func (d decoder) peek(n noun.Noun) (Writ, error) {
	f, err := d.tuple(n, "peek", "mil", "sam")
	if err != nil {
		return nil, err
	}
	// As in Urbit's serf, mil is a 32-bit word and sam any noun: the
	// kernel's peek gate judges it.
	mil, err := d.mug(f[0], "peek.mil")
	if err != nil {
		return nil, err
	}
	return Peek{Mil: uint64(mil), Sample: f[1]}, nil
}

// play decodes the rest of [%play eve lit].
func (d decoder) play(n noun.Noun) (Writ, error) {
	f, err := d.tuple(n, "play", "eve", "lit")
	if err != nil {
		return nil, err
	}
	eve, err := d.u64(f[0], "play.eve")
	if err != nil {
		return nil, err
	}
	// Urbit's serf refuses an empty batch as a bad writ.
	if err := d.cell(f[1], "play.lit", "non-empty list"); err != nil {
		return nil, err
	}
	lit, err := d.items(f[1], "play.lit")
	if err != nil {
		return nil, err
	}
	return Play{Eve: eve, Events: lit}, nil
}

// work decodes the rest of [%work mil job].
func (d decoder) work(n noun.Noun) (Writ, error) {
	f, err := d.tuple(n, "work", "mil", "job")
	if err != nil {
		return nil, err
	}
	mil, err := d.mug(f[0], "work.mil") // a 32-bit word, as in Urbit's serf
	if err != nil {
		return nil, err
	}
	if err := d.cell(f[1], "work.job", "cell [now ovum]"); err != nil {
		return nil, err
	}
	return Work{Mil: uint64(mil), Job: f[1]}, nil
}
