package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// PokeResult is the outcome of a committed event.
type PokeResult struct {
	// Eve is the event's number, Mug the kernel's mug after it.
	Eve uint64
	Mug uint32
	// Swapped is true when the event crashed and its %crud replacement
	// was committed instead.
	Swapped bool
}

// Peek scries the kernel at path (a path noun, such as noun.Path("x",
// "count"), or the each of a peek sample) and returns its answer, a
// (unit (cask)): ~ when there is no value. A crash in the kernel is a
// *CrashError.
func (c *Client) Peek(ctx context.Context, path noun.Noun) (noun.Noun, error) {
	data, err := c.Request(ctx, tagPeek, path)
	if err != nil {
		return noun.Zero, err
	}
	tag, rest, err := answer(data)
	if err != nil {
		return noun.Zero, err
	}
	if tag != "peek" {
		return noun.Zero, unexpected("%peek", data)
	}
	return rest, nil
}

// Peel asks for a runtime fact (path "live", "info", "who", "v" or
// "help"); ok is false for a path the king does not know.
func (c *Client) Peel(ctx context.Context, path ...string) (v noun.Noun, ok bool, err error) {
	data, err := c.Request(ctx, tagPeel, noun.Path(path...))
	if err != nil {
		return noun.Zero, false, err
	}
	v, ok, err = noun.FromUnit(data)
	if err != nil {
		return noun.Zero, false, unexpected("%peel", data)
	}
	return v, ok, nil
}

// Info returns the runtime facts of /info.
func (c *Client) Info(ctx context.Context) ([]Fact, error) {
	v, ok, err := c.Peel(ctx, "info")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("control: the king has no /info")
	}
	return ParseInfo(v)
}

// Poke injects ovum ([wire card]) and waits until it is committed. An
// event that bailed is a *CrashError.
func (c *Client) Poke(ctx context.Context, ovum noun.Noun) (PokeResult, error) {
	data, err := c.Request(ctx, tagOvum, ovum)
	if err != nil {
		return PokeResult{}, err
	}
	return pokeResult(data)
}

// PokeAsync sends ovum without waiting for its commit: for keystrokes.
// Events sent by one client are computed in the order sent. The channel
// receives the outcome (see PokeOutcome), or is closed if the connection
// ends first.
func (c *Client) PokeAsync(ctx context.Context, ovum noun.Noun) (<-chan noun.Noun, error) {
	return c.Go(ctx, tagOvum, ovum)
}

// PokeOutcome reads the response data of a PokeAsync.
func PokeOutcome(data noun.Noun) (PokeResult, error) { return pokeResult(data) }

func pokeResult(data noun.Noun) (PokeResult, error) {
	tag, rest, err := answer(data)
	if err != nil {
		return PokeResult{}, err
	}
	r := noun.NewReader(rest, "response")
	res := PokeResult{Swapped: tag == "swap"}
	switch tag {
	case "done", "swap":
		res.Eve = r.Uint64("eve")
		res.Mug = r.Last().Uint32("mug")
	default:
		return PokeResult{}, unexpected("%ovum", data)
	}
	if err := r.Err(); err != nil {
		return PokeResult{}, fmt.Errorf("control: %w", err)
	}
	return res, nil
}

// Save has the king snapshot now and returns the snapshot's event.
func (c *Client) Save(ctx context.Context) (uint64, error) {
	data, err := c.Request(ctx, tagSave, noun.Zero)
	if err != nil {
		return 0, err
	}
	tag, rest, err := answer(data)
	if err != nil {
		return 0, err
	}
	eve, ok := rest.Word()
	if tag != "save" || !rest.IsAtom() || !ok {
		return 0, unexpected("%save", data)
	}
	return eve, nil
}

// Pack has the serf compact its state.
func (c *Client) Pack(ctx context.Context) error { return c.command(ctx, tagPack) }

// Meld has the serf deduplicate its state.
func (c *Client) Meld(ctx context.Context) error { return c.command(ctx, tagMeld) }

// Interrupt has the king SIGINT the serf, stopping a looping event.
func (c *Client) Interrupt(ctx context.Context) error { return c.command(ctx, tagIntr) }

// Exit asks the king to shut the pier down gracefully; it returns once
// the shutdown has begun.
func (c *Client) Exit(ctx context.Context) error { return c.command(ctx, tagExit) }

// command sends a request answered [%tag ~].
func (c *Client) command(ctx context.Context, tag string) error {
	data, err := c.Request(ctx, tag, noun.Zero)
	if err != nil {
		return err
	}
	got, _, err := answer(data)
	if err != nil {
		return err
	}
	if got != tag {
		return unexpected("%"+tag, data)
	}
	return nil
}

// DillMessage is one message of the terminal stream: Tag "blit" with
// Blits, a (list blit); or Tag "slog" with Pri and Tank.
type DillMessage struct {
	Tag   string
	Blits noun.Noun
	Pri   uint64
	Tank  noun.Noun
}

// Dill subscribes to terminal session 1: the returned channel gets every
// %blit effect and kernel %slog until the connection ends (it is then
// closed). A client has one subscription. Keystrokes go back as events,
// with PokeAsync and the dill package's ovums. The messages must be
// received promptly: a client that does not keep up is disconnected by
// the server.
func (c *Client) Dill(ctx context.Context) (<-chan DillMessage, error) {
	stream := make(chan DillMessage, 64)
	c.mu.Lock()
	if c.stream != nil {
		c.mu.Unlock()
		return nil, errors.New("control: already subscribed to the terminal")
	}
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	c.stream = stream
	c.mu.Unlock()
	// The %dill request has no answer of its own (the server refuses only
	// a second subscription, which this client never sends).
	if _, err := c.send(ctx, tagDill, noun.Zero, nil); err != nil {
		c.mu.Lock()
		c.stream = nil
		c.mu.Unlock()
		return nil, err
	}
	return stream, nil
}

// dillMessage reads the rest of [rid %dill ...].
func dillMessage(n noun.Noun) (DillMessage, bool) {
	tag, rest, err := noun.Tagged(n)
	if err != nil {
		return DillMessage{}, false
	}
	switch tag {
	case "blit":
		return DillMessage{Tag: tag, Blits: rest}, true
	case "slog":
		pri, tank, ok := rest.Uncell()
		p, small := pri.Word()
		if !ok || !pri.IsAtom() || !small {
			return DillMessage{}, false
		}
		return DillMessage{Tag: tag, Pri: p, Tank: tank}, true
	}
	return DillMessage{}, false
}

// answer splits response data into its tag and rest, turning %fail and
// %bail answers into errors.
func answer(data noun.Noun) (string, noun.Noun, error) {
	tag, rest, err := noun.Tagged(data)
	if err != nil {
		return "", noun.Zero, unexpected("a request", data)
	}
	switch tag {
	case "fail":
		return "", noun.Zero, &FailError{Text: string(rest.Bytes())}
	case "bail":
		items, err := noun.FromList(rest)
		if err != nil {
			return "", noun.Zero, unexpected("a request", data)
		}
		ce := &CrashError{}
		for _, it := range items {
			g, err := ipc.DecodeGoof(it)
			if err != nil {
				return "", noun.Zero, unexpected("a request", data)
			}
			ce.Goofs = append(ce.Goofs, g)
		}
		return "", noun.Zero, ce
	}
	return tag, rest, nil
}

// unexpected is a response of the wrong shape.
func unexpected(what string, data noun.Noun) error {
	return fmt.Errorf("control: unexpected answer to %s: %s", what, clip(data))
}
