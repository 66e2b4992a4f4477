import { PGlite } from "@electric-sql/pglite"
import * as fs from "node:fs"
const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1024)
const dir = process.argv[2]
for (const sb of ["16MB"]) {
const opts = { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sb}`] }
console.log("start", rss())
let db = await PGlite.create(dir, opts); await db.query("select 1")
console.log("reopened fresh process", sb, rss())
}
