/**
 * `kasir … --help`, rendered by kasir rather than by @effect/cli's `ShowHelp`, which (0.77) doubles
 * the words of nested commands ("nicepay nicepay payout register"), pads its command table to the
 * longest full usage (hundreds of spaces) and gives a subcommand's usage line as its bare name
 * ("$ payout"). The sections themselves (description, arguments, options) are still
 * @effect/cli's, taken from each command's descriptor, so descriptions live in one place.
 */
import { type CliConfig, CommandDescriptor, HelpDoc, Usage as CliUsage } from "@effect/cli"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "./Usage.js"

// Terminal styling escape sequences, as found in @effect/cli's rendered help docs.
const ansiPattern = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")
const plain = (doc: HelpDoc.HelpDoc): string => HelpDoc.toAnsiText(doc).replace(ansiPattern, "")

// Removes every `[...]` group (balanced), i.e. the optional parts of a usage line.
const requiredOnly = (usage: string): string => {
  let depth = 0
  let out = ""
  for (const char of usage) {
    if (char === "[") depth += 1
    else if (char === "]") depth = Math.max(0, depth - 1)
    else if (depth === 0) out += char
  }
  return out.replace(/\s+/g, " ").trim()
}

// @effect/cli's descriptor instructions, as far as the walk below needs them. Its public
// `getSubcommands` returns a group's children without their own subcommands, so nested groups
// (`nicepay payout`) are reached by walking the instructions.
type Instruction =
  | {
      readonly _tag: "Standard" | "GetUserInput"
      readonly name: string
      readonly description?: HelpDoc.HelpDoc
    }
  | { readonly _tag: "Map"; readonly command: Instruction }
  | {
      readonly _tag: "Subcommands"
      readonly parent: Instruction
      readonly children: ReadonlyArray<Instruction>
    }

const nameOf = (instruction: Instruction): string =>
  instruction._tag === "Map"
    ? nameOf(instruction.command)
    : instruction._tag === "Subcommands"
      ? nameOf(instruction.parent)
      : instruction.name

const childrenOf = (instruction: Instruction): ReadonlyArray<Instruction> =>
  instruction._tag === "Map"
    ? childrenOf(instruction.command)
    : instruction._tag === "Subcommands"
      ? instruction.children
      : []

const descriptorAt = (
  root: { readonly descriptor: unknown },
  path: ReadonlyArray<string>
): CommandDescriptor.Command<unknown> | undefined => {
  let current = root.descriptor as unknown as Instruction
  for (const name of path) {
    const next = childrenOf(current).find((child) => nameOf(child) === name)
    if (next === undefined) return undefined
    current = next
  }
  return current as unknown as CommandDescriptor.Command<unknown>
}

// A span's text, without styling.
const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
    default:
      return spanText(span.value)
  }
}

// The first paragraph or header of a help doc, in reading order.
const firstText = (doc: HelpDoc.HelpDoc): string | undefined => {
  switch (doc._tag) {
    case "Header":
    case "Paragraph":
      return spanText(doc.value)
    case "Sequence":
      return firstText(doc.left) ?? firstText(doc.right)
    case "DescriptionList":
      return doc.definitions.length === 0 ? undefined : spanText(doc.definitions[0]![0])
    case "Enumeration":
      return doc.elements.length === 0 ? undefined : firstText(doc.elements[0]!)
    default:
      return undefined
  }
}

const descriptionOf = (instruction: Instruction): HelpDoc.HelpDoc | undefined =>
  instruction._tag === "Map"
    ? descriptionOf(instruction.command)
    : instruction._tag === "Subcommands"
      ? descriptionOf(instruction.parent)
      : instruction.description

/**
 * The first sentence of a command's description, for its row in its parent's command table: read
 * from the description itself, not from the rendered help page (rendering a page through
 * @effect/printer costs a few milliseconds; the root page has six rows).
 */
export const summary = (descriptor: CommandDescriptor.Command<unknown>): string => {
  const description = descriptionOf(descriptor as unknown as Instruction)
  const first = description === undefined ? undefined : firstText(description)
  const line = first?.split("\n")[0]?.trim() ?? ""
  const sentence = /^(.*?[.:;])(\s|$)/.exec(line)
  return (sentence?.[1] ?? line).replace(/[:;]$/, ".")
}

// The descriptor whose help page is a command's page without its COMMANDS section: a group's own
// (parent) command. @effect/cli's page of a group appends the usage of every nested command, which
// kasir replaces with its own table; rendering those usages only to cut them off cost most of
// `kasir --help`.
const ownPage = (instruction: Instruction): Instruction =>
  instruction._tag === "Map"
    ? ownPage(instruction.command)
    : instruction._tag === "Subcommands"
      ? ownPage(instruction.parent)
      : instruction

const sectionsWithoutCommands = (text: string): string => {
  const at = text.search(/^COMMANDS$/m)
  return (at === -1 ? text : text.slice(0, at)).trimEnd()
}

/**
 * The help text for a command path, or `undefined` when the path names no command.
 */
export const render = (options: {
  /** The root command (anything with @effect/cli's `descriptor`). */
  readonly root: { readonly descriptor: unknown }
  readonly path: ReadonlyArray<string>
  readonly version: string
  readonly config: CliConfig.CliConfig
}): string | undefined => {
  const { config, path } = options
  const descriptor = descriptorAt(options.root, path)
  if (descriptor === undefined) return undefined
  let node: Usage.Tree | null = Usage.tree
  for (const name of path) node = node?.[name] ?? null
  const command = ["kasir", ...path].join(" ")
  const page = ownPage(descriptor as unknown as Instruction) as unknown as CommandDescriptor.Command<unknown>
  const sections = sectionsWithoutCommands(plain(CommandDescriptor.getHelp(page, config)))
  const header = `kasir ${options.version}`
  if (node === null) {
    const usage = plain(CliUsage.getHelp(CommandDescriptor.getUsage(descriptor)))
    const required = requiredOnly(usage).split(" ").slice(1).join(" ")
    const line = `$ ${command}${required === "" ? "" : ` ${required}`} [options]`
    return [header, "", "USAGE", "", line, "", sections, ""].join("\n")
  }
  const rows = Object.keys(node).map((name) => {
    const child = descriptorAt(options.root, [...path, name])
    return [name, child === undefined ? "" : summary(child)] as const
  })
  const width = Math.max(...rows.map(([name]) => name.length))
  const table = rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`.trimEnd())
  return [
    header,
    "",
    "USAGE",
    "",
    Usage.runnableGroups.has(path.join(" "))
      ? `$ ${command} [<command>] [options]`
      : `$ ${command} <command> [options]`,
    "",
    sections,
    "",
    "COMMANDS",
    "",
    ...table,
    "",
    `Run '${command} <command> --help' for a command's options.`,
    ""
  ].join("\n")
}
