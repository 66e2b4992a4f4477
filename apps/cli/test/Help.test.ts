/**
 * kasir's help pages are rendered from the command descriptors without rendering what they drop:
 * a group's page from its own command (not @effect/cli's page with every nested usage appended),
 * and each row's summary from the command's description (not from its rendered page). For every
 * command path the page is the same text as when both were cut from @effect/cli's full pages.
 */
import { CliConfig, CommandDescriptor, HelpDoc } from "@effect/cli"
import { describe, expect, it } from "vitest"
import * as Cli from "../src/Cli.js"
import * as Help from "../src/Help.js"
import * as Usage from "../src/Usage.js"

const config = CliConfig.make({ showBuiltIns: false })
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")
const plain = (doc: HelpDoc.HelpDoc) => HelpDoc.toAnsiText(doc).replace(ansi, "")

// Every command path of the tree, groups and leaves.
const paths = (tree: Usage.Tree, prefix: ReadonlyArray<string> = []): Array<ReadonlyArray<string>> => [
  prefix,
  ...Object.entries(tree).flatMap(([name, sub]) =>
    sub === null ? [[...prefix, name]] : paths(sub, [...prefix, name])
  )
]

type Node = { _tag: string; name?: string; command?: Node; parent?: Node; children?: ReadonlyArray<Node> }
const nameOf = (node: Node): string =>
  node._tag === "Map"
    ? nameOf(node.command!)
    : node._tag === "Subcommands"
      ? nameOf(node.parent!)
      : node.name!
const childrenOf = (node: Node): ReadonlyArray<Node> =>
  node._tag === "Map" ? childrenOf(node.command!) : node._tag === "Subcommands" ? node.children! : []
const at = (path: ReadonlyArray<string>) =>
  path.reduce<Node>(
    (node, name) => childrenOf(node).find((child) => nameOf(child) === name)!,
    Cli.descriptor as Node
  ) as unknown as CommandDescriptor.Command<unknown>

// The reference: @effect/cli's full page, cut before its COMMANDS section; the first sentence of
// the DESCRIPTION section of a child's full page.
const fullSections = (path: ReadonlyArray<string>) => {
  const text = plain(CommandDescriptor.getHelp(at(path), config))
  const cut = text.search(/^COMMANDS$/m)
  return (cut === -1 ? text : text.slice(0, cut)).trimEnd()
}
const fullSummary = (path: ReadonlyArray<string>) => {
  const text = plain(CommandDescriptor.getHelp(at(path), config))
  const description = text.split("DESCRIPTION")[1]?.trim().split("\n")[0]?.trim() ?? ""
  const sentence = /^(.*?[.:;])(\s|$)/.exec(description)
  return (sentence?.[1] ?? description).replace(/[:;]$/, ".")
}

describe("kasir help pages", () => {
  const all = paths(Usage.tree)

  it("covers every command of the tree", () => {
    // 26 paths when this was written; commands added later are covered the same way.
    expect(all.length).toBeGreaterThanOrEqual(26)
    expect(all).toContainEqual(["nicepay", "payout", "register"])
  })

  for (const path of all) {
    it(`'${["kasir", ...path].join(" ")} --help' has @effect/cli's sections and summaries`, () => {
      const page = Cli.help(path)!
      expect(page).toContain(`\n${fullSections(path)}\n`)
      let node: Usage.Tree | null = Usage.tree
      for (const name of path) node = node?.[name] ?? null
      for (const child of node === null ? [] : Object.keys(node)) {
        const summary = fullSummary([...path, child])
        expect(summary.length).toBeGreaterThan(0)
        expect(Help.summary(at([...path, child]))).toBe(summary)
        expect(page).toMatch(
          new RegExp(`^ {2}${child} +${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m")
        )
      }
    })
  }
})
