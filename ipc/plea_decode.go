package ipc

import "github.com/kingserf/king/noun"

// DecodePlea decodes a plea, checking every field. A noun that is not a
// well-formed plea returns a *DecodeError naming the first bad field, or
// the unknown tag.
func DecodePlea(n noun.Noun) (Plea, error) {
	d := decoder{kind: "plea"}
	f, err := d.tuple(n, "", "tag", "data")
	if err != nil {
		return nil, err
	}
	// A cell or wide atom gives t == 0, which is no tag.
	t, _ := f[0].Word()
	switch t {
	case tagRipe:
		return d.ripe(f[1])
	case tagLive:
		if err := d.null(f[1], "live"); err != nil {
			return nil, err
		}
		return Live{}, nil
	case tagSlog:
		return d.slog(f[1])
	case tagFlog:
		text, err := d.text(f[1], "flog.cord")
		if err != nil {
			return nil, err
		}
		return Flog{Text: text}, nil
	case tagPeek:
		return d.peekPlea(f[1])
	case tagPlay:
		return d.playPlea(f[1])
	case tagWork:
		return d.workPlea(f[1])
	}
	return nil, d.unknownTag("tag", "%ripe, %live, %slog, %flog, %peek, %play or %work", f[0])
}

// ripe decodes the rest of [%ripe [pro hon nok] eve mug].
func (d decoder) ripe(n noun.Noun) (Plea, error) {
	f, err := d.tuple(n, "ripe", "ver", "eve", "mug")
	if err != nil {
		return nil, err
	}
	v, err := d.tuple(f[0], "ripe", "pro", "hon", "nok")
	if err != nil {
		return nil, err
	}
	var p Ripe
	if p.Proto, err = d.version(v[0], "ripe.pro"); err != nil {
		return nil, err
	}
	if p.Hon, err = d.version(v[1], "ripe.hon"); err != nil {
		return nil, err
	}
	if p.Nock, err = d.version(v[2], "ripe.nok"); err != nil {
		return nil, err
	}
	if p.Eve, err = d.u64(f[1], "ripe.eve"); err != nil {
		return nil, err
	}
	if p.Mug, err = d.mug(f[2], "ripe.mug"); err != nil {
		return nil, err
	}
	return p, nil
}

// slog decodes the rest of [%slog pri tank].
func (d decoder) slog(n noun.Noun) (Plea, error) {
	f, err := d.tuple(n, "slog", "pri", "tank")
	if err != nil {
		return nil, err
	}
	pri, err := d.u64(f[0], "slog.pri")
	if err != nil {
		return nil, err
	}
	return Slog{Priority: pri, Tank: f[1]}, nil
}

// peekPlea decodes the rest of [%peek %done result] and [%peek %bail goof].
func (d decoder) peekPlea(n noun.Noun) (Plea, error) {
	f, err := d.tuple(n, "peek", "tag", "data")
	if err != nil {
		return nil, err
	}
	t, _ := f[0].Word()
	switch t {
	case tagDone:
		return PeekDone{Result: f[1]}, nil
	case tagBail:
		g, err := d.goof(f[1], "peek.bail")
		if err != nil {
			return nil, err
		}
		return PeekBail{Goof: g}, nil
	}
	return nil, d.unknownTag("peek.tag", "%done or %bail", f[0])
}

// playPlea decodes the rest of [%play %done mug] and
// [%play %bail eve mug goof].
func (d decoder) playPlea(n noun.Noun) (Plea, error) {
	f, err := d.tuple(n, "play", "tag", "data")
	if err != nil {
		return nil, err
	}
	t, _ := f[0].Word()
	switch t {
	case tagDone:
		mug, err := d.mug(f[1], "play.done.mug")
		if err != nil {
			return nil, err
		}
		return PlayDone{Mug: mug}, nil
	case tagBail:
		b, err := d.tuple(f[1], "play.bail", "eve", "mug", "goof")
		if err != nil {
			return nil, err
		}
		var p PlayBail
		if p.Eve, err = d.u64(b[0], "play.bail.eve"); err != nil {
			return nil, err
		}
		if p.Mug, err = d.mug(b[1], "play.bail.mug"); err != nil {
			return nil, err
		}
		if isBareTang(b[2]) {
			// An urbit/urbit v1.x serf: the tang alone.
			if err = d.list(b[2], "play.bail.tang"); err != nil {
				return nil, err
			}
			p.Goof, p.TangOnly = Goof{Tang: b[2]}, true
			return p, nil
		}
		if p.Goof, err = d.goof(b[2], "play.bail.goof"); err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, d.unknownTag("play.tag", "%done or %bail", f[0])
}

// workPlea decodes the rest of [%work %done eve mug effects],
// [%work %swap eve mug job effects] and [%work %bail goofs].
func (d decoder) workPlea(n noun.Noun) (Plea, error) {
	f, err := d.tuple(n, "work", "tag", "data")
	if err != nil {
		return nil, err
	}
	t, _ := f[0].Word()
	switch t {
	case tagDone:
		w, err := d.tuple(f[1], "work.done", "eve", "mug", "effects")
		if err != nil {
			return nil, err
		}
		var p WorkDone
		if p.Eve, err = d.u64(w[0], "work.done.eve"); err != nil {
			return nil, err
		}
		if p.Mug, err = d.mug(w[1], "work.done.mug"); err != nil {
			return nil, err
		}
		if err = d.list(w[2], "work.done.effects"); err != nil {
			return nil, err
		}
		p.Effects = w[2]
		return p, nil
	case tagSwap:
		w, err := d.tuple(f[1], "work.swap", "eve", "mug", "job", "effects")
		if err != nil {
			return nil, err
		}
		var p WorkSwap
		if p.Eve, err = d.u64(w[0], "work.swap.eve"); err != nil {
			return nil, err
		}
		if p.Mug, err = d.mug(w[1], "work.swap.mug"); err != nil {
			return nil, err
		}
		if err = d.cell(w[2], "work.swap.job", "cell [now ovum]"); err != nil {
			return nil, err
		}
		if err = d.list(w[3], "work.swap.effects"); err != nil {
			return nil, err
		}
		p.Job, p.Effects = w[2], w[3]
		return p, nil
	case tagBail:
		return d.workBail(f[1])
	}
	return nil, d.unknownTag("work.tag", "%done, %swap or %bail", f[0])
}

// isBareTang reports whether the last field of a %play %bail is a tang
// rather than a goof [mote tang]: the empty list, or a list whose first
// item is a tank (a cell), where a goof's head is its mote (an atom).
func isBareTang(n noun.Noun) bool {
	h, _, ok := n.Uncell()
	return !ok && n.IsZero() || ok && h.IsCell()
}

// workBail decodes the (list goof) of [%work %bail goofs].
func (d decoder) workBail(n noun.Noun) (Plea, error) {
	items, err := d.items(n, "work.bail.goofs")
	if err != nil {
		return nil, err
	}
	goofs := make([]Goof, len(items))
	for i, it := range items {
		if goofs[i], err = d.goof(it, index("work.bail.goofs", i)); err != nil {
			return nil, err
		}
	}
	return WorkBail{Goofs: goofs}, nil
}
