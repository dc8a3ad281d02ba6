package main

import "github.com/urfave/cli/v2"

func nounCommand() *cli.Command {
	return &cli.Command{
		Name:  "noun",
		Usage: "jam, cue, mug and benchmark nouns",
	}
}
