// Differential oracle for noun/differential_test.go, run with node.
//
// Reads one noun per line from standard input as JSON: an array of nodes,
// each ["a", "<decimal>"] (an atom) or ["c", i, j] (the cell of nodes i and
// j, which come earlier); the noun is the last node. Also on the line, after
// a tab, the jam that the Go side computed, in hex.
//
// Writes one line per noun: the jam nockjs computes (hex, little-endian
// bytes), its mug (8 hex digits), and "ok" if nockjs cues the Go jam to an
// equal noun with the same mug, otherwise a reason.
"use strict";
const readline = require("readline");
const { Atom, Cell, jam, cue_bytes } = require("@urbit/nockjs");

function build(nodes) {
  const built = new Array(nodes.length);
  nodes.forEach((n, k) => {
    built[k] = n[0] === "a" ? new Atom(BigInt(n[1])) : new Cell(built[n[1]], built[n[2]]);
  });
  return built[built.length - 1];
}

// Little-endian hex of a natural number: its minimal bytes, low first.
function leHex(x) {
  let h = x.toString(16);
  if (h.length % 2) h = "0" + h;
  let out = "";
  for (let i = h.length - 2; i >= 0; i -= 2) out += h.slice(i, i + 2);
  return out;
}

function fromHex(h) {
  const b = new Uint8Array(h.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return new DataView(b.buffer);
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = [];
rl.on("line", (line) => {
  if (!line) return;
  const [json, goJam] = line.split("\t");
  const n = build(JSON.parse(json));
  const j = leHex(jam(n).number);
  const mug = n.mug().toString(16).padStart(8, "0");
  let verdict = "ok";
  try {
    const back = cue_bytes(fromHex(goJam));
    if (!back.equals(n)) verdict = "cue-differs";
    else if (back.mug() !== n.mug()) verdict = "cue-mug-differs";
  } catch (e) {
    verdict = "cue-failed:" + String(e.message).replace(/\s+/g, "_");
  }
  out.push(j + " " + mug + " " + verdict);
});
rl.on("close", () => {
  process.stdout.write(out.join("\n") + "\n");
});
