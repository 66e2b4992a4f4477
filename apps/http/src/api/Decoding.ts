/**
 * How request schemas are decoded: every problem in a request is reported, not only the first.
 *
 * Schema's parser stops at the first issue unless `errors: "all"` is in effect, and HttpApi decodes
 * path, query, headers and body with default options; the option therefore travels on each request
 * schema as an annotation, which the parser merges into the options of that node and its children.
 * `Validation.ts` then turns every issue into one field error.
 */
/**
 * The annotation every request schema carries.
 */
export const reportAll = { parseOptions: { errors: "all" } } as const
