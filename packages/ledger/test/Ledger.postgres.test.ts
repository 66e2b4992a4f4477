/**
 * The ledger's contract on a real PostgreSQL server: the throwaway cluster started by
 * `postgres.globalSetup.ts`. Each test gets its own schema; "instances" are separate pools on it.
 */
import { layer } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { Context, Effect, Layer, Redacted } from "effect"
import { inject } from "vitest"
import { Database, Ledger, Migrations } from "../src/index.js"
import { contract, type Engine } from "./contract.js"

const url = Redacted.make(inject("postgresUrl"))
let schemas = 0

const open = (schema: string, name: string, connections: number) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      Database.layerPostgres({ url, maxConnections: connections, serverOptions: `-c search_path=${schema}` })
    )
    const sql = Context.get(context, SqlClient.SqlClient)
    const ledger = yield* Effect.provideService(Ledger.make({ instance: name }), SqlClient.SqlClient, sql)
    return { sql, ledger }
  }).pipe(Effect.orDie)

const engine: Engine<SqlClient.SqlClient> = {
  name: "postgres",
  concurrent: true,
  fresh: (connections) =>
    Effect.gen(function* () {
      const admin = yield* SqlClient.SqlClient
      const schema = `t_${process.pid}_${++schemas}`
      yield* admin.unsafe(`CREATE SCHEMA ${schema}`)
      const first = yield* open(schema, "instance-a", connections)
      yield* Effect.provideService(Migrations.run, SqlClient.SqlClient, first.sql)
      return { schema, ...first, instance: (name: string, n: number) => open(schema, name, n) }
    }).pipe(Effect.orDie)
}

layer(Database.layerPostgres({ url }), { timeout: "60 seconds" })("ledger contract on PostgreSQL", (it) => {
  contract(it, engine)
})
