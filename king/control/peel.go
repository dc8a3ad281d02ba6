package control

import (
	"github.com/kingserf/king/noun"
)

// peelPaths are the paths %peel answers, for /help.
func peelPaths() []string { return []string{"help", "info", "live", "v", "who"} }

// peel answers a %peel: a unit, ~ for a path it does not know.
func (c *conn) peel(path []string) noun.Noun {
	if len(path) != 1 {
		return noun.Zero
	}
	b := c.s.opts.Backend
	switch path[0] {
	case "live":
		return noun.Some(noun.Loob(true))
	case "who":
		return noun.Some(b.Who())
	case "v":
		return noun.Some(noun.Cord(c.s.opts.Version))
	case "info":
		return noun.Some(infoMass(b.Info()))
	case "help":
		var ps []noun.Noun
		for _, p := range peelPaths() {
			ps = append(ps, noun.Path(p))
		}
		return noun.Some(noun.List(ps...))
	}
	return noun.Zero
}

// infoMass renders facts as Urbit's $mass, (pair cord (each * (list mass))):
// ['info' %| ~[['name' %& value] ...]].
func infoMass(facts []Fact) noun.Noun {
	items := make([]noun.Noun, len(facts))
	for i, f := range facts {
		items[i] = noun.T(noun.Cord(f.Name), noun.Loob(true), noun.Atom(f.Value))
	}
	return noun.T(noun.Cord("info"), noun.Loob(false), noun.List(items...))
}

// ParseInfo reads the facts of an /info mass, as infoMass writes it.
func ParseInfo(mass noun.Noun) ([]Fact, error) {
	r := noun.NewReader(mass, "info")
	r.Cord("name")
	if r.Loob("leaf") {
		r.Fail("leaf", "%| (a list of masses)", mass)
	}
	items := r.Last().List("masses")
	if err := r.Err(); err != nil {
		return nil, err
	}
	facts := make([]Fact, 0, len(items))
	for _, it := range items {
		ir := noun.NewReader(it, "fact")
		name := ir.Cord("name")
		ir.Loob("leaf")
		v := ir.Last().Uint64("value")
		if err := ir.Err(); err != nil {
			return nil, err
		}
		facts = append(facts, Fact{Name: name, Value: v})
	}
	return facts, nil
}
