/**
 * The command names of `kasir` — part of its interface — and the help hint for a command line.
 * @effect/cli reports an unknown subcommand as "Invalid subcommand for kasir - use 'ayoconnect'";
 * this module turns that into "unknown command 'x' for 'kasir nicepay'" with the valid choices.
 */

/**
 * A group of subcommands, or `null` for a leaf command.
 */
export type Tree = { readonly [name: string]: Tree | null }

/**
 * Every command of `kasir`.
 */
export const tree: Tree = {
  ayoconnect: { balance: null, products: null, inquiry: null, pay: null, status: null, wait: null },
  nicepay: {
    token: null,
    balance: null,
    payout: { register: null, approve: null, status: null, cancel: null, reject: null }
  },
  ledger: { list: null, show: null },
  db: { migrate: null },
  sandbox: { reset: null },
  keys: { generate: null },
  webhooks: { listen: null }
}

/**
 * Where a command line points: the command path it names, and the first word that is not a
 * command where one was expected.
 */
export interface Resolved {
  readonly path: ReadonlyArray<string>
  readonly unknown?: { readonly word: string; readonly choices: ReadonlyArray<string> } | undefined
}

/**
 * Resolves the words of a command line (without `node` and the script) against the tree.
 */
export const resolve = (args: ReadonlyArray<string>): Resolved => {
  const path: Array<string> = []
  let level: Tree | null = tree
  for (const word of args) {
    if (level === null || word.startsWith("-")) break
    if (!Object.hasOwn(level, word)) return { path, unknown: { word, choices: Object.keys(level) } }
    path.push(word)
    level = level[word] ?? null
  }
  return { path }
}

/**
 * "Run 'kasir nicepay payout --help' for usage."
 */
export const helpHint = (path: ReadonlyArray<string>): string =>
  `Run '${["kasir", ...path, "--help"].join(" ")}' for usage.`

/**
 * Groups that also run on their own (`kasir sandbox` serves; `kasir sandbox reset` resets).
 */
export const runnableGroups: ReadonlySet<string> = new Set(["sandbox"])
