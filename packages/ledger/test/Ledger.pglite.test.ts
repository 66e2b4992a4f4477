/**
 * The ledger's contract on PGlite (in memory, one instance for the whole file: it takes seconds
 * to start). Each test gets its own schema on it.
 */
import { layer } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"
import { Database, Ledger, Migrations } from "../src/index.js"
import { contract, type Engine } from "./contract.js"

let schemas = 0

const engine: Engine<SqlClient.SqlClient> = {
  name: "pglite",
  concurrent: false,
  fresh: () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const schema = `t_${++schemas}`
      yield* sql.unsafe(`CREATE SCHEMA ${schema}`)
      yield* sql.unsafe(`SET search_path TO ${schema}`)
      yield* Migrations.run
      const ledger = yield* Ledger.make({ instance: "instance-a" })
      return {
        schema,
        sql,
        ledger,
        // One connection: a second "instance" is a second Ledger over the same client.
        instance: (name: string) =>
          Effect.map(
            Effect.provideService(Ledger.make({ instance: name }), SqlClient.SqlClient, sql),
            (other) => ({
              sql,
              ledger: other
            })
          )
      }
    }).pipe(Effect.orDie)
}

layer(Database.layerPgliteMemory, { timeout: "120 seconds" })("ledger contract on PGlite", (it) => {
  contract(it, engine)
})
