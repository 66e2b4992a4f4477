/**
 * The ledger's contract on a real PostgreSQL server: the throwaway cluster started by
 * `postgres.globalSetup.ts`. Each test gets its own schema; "instances" are separate pools on it.
 */
import { expect, layer } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { Cause, Context, Deferred, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import { inject } from "vitest"
import { Database, Errors, Ledger, Migrations } from "../src/index.js"
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

layer(Database.layerPostgres({ url }), { timeout: "60 seconds" })("PostgreSQL connection settings", (it) => {
  it.scoped("a statement blocked past statementTimeout is cancelled by the server: LedgerUnavailable", () =>
    Effect.gen(function* () {
      const admin = yield* SqlClient.SqlClient
      const schema = `t_${process.pid}_timeout`
      yield* admin.unsafe(`CREATE SCHEMA ${schema}`)
      const holder = yield* open(schema, "holder", 2)
      yield* Effect.provideService(Migrations.run, SqlClient.SqlClient, holder.sql)
      const outcome = yield* holder.ledger.begin({
        provider: "ayoconnect",
        operation: "payment",
        reference: "LOCKED",
        fields: {},
        amount: 1n
      })
      const context = yield* Layer.build(
        Database.layerPostgres({
          url,
          maxConnections: 1,
          statementTimeout: "200 millis",
          serverOptions: `-c search_path=${schema}`
        })
      )
      const impatient = yield* Effect.provideService(
        Ledger.make({ instance: "impatient" }),
        SqlClient.SqlClient,
        Context.get(context, SqlClient.SqlClient)
      )
      const locked = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      // Another connection holds the entry's row lock in an open transaction.
      const hold = yield* Effect.fork(
        holder.sql.withTransaction(
          Effect.gen(function* () {
            yield* holder.sql`SELECT id FROM ledger_entries WHERE id = ${outcome.entry.id} FOR UPDATE`
            yield* Deferred.succeed(locked, undefined)
            yield* Deferred.await(release)
          })
        )
      )
      yield* Deferred.await(locked)
      const exit = yield* Effect.exit(impatient.record(outcome.entry.id, { to: "failed", source: "answer" }))
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(hold)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<unknown, unknown>).cause))
      expect(error).toBeInstanceOf(Errors.LedgerUnavailable)
      expect((error as Errors.LedgerUnavailable).message).toContain("code 57014")
      // Nothing was written; the holder can still record.
      const after = yield* holder.ledger.record(outcome.entry.id, { to: "failed", source: "answer" })
      expect(after.entry.version).toBe(2)
    })
  )
})

layer(Database.layerPostgres({ url }), { timeout: "60 seconds" })("PostgreSQL migrations", (it) => {
  it.scoped("instances starting together on an empty database apply the migrations exactly once", () =>
    Effect.gen(function* () {
      const admin = yield* SqlClient.SqlClient
      const schema = `t_${process.pid}_migrate`
      yield* admin.unsafe(`CREATE SCHEMA ${schema}`)
      const instances = yield* Effect.all(
        Array.from({ length: 6 }, (_, i) => open(schema, `starter-${i}`, 2)),
        { concurrency: "unbounded" }
      )
      const applied = yield* Effect.all(
        instances.map((instance) => Effect.provideService(Migrations.run, SqlClient.SqlClient, instance.sql)),
        { concurrency: "unbounded" }
      )
      expect(applied.filter((a) => a.length > 0)).toEqual([
        [
          [1, "ledger"],
          [2, "webhooks"]
        ]
      ])
      expect(applied.filter((a) => a.length === 0)).toHaveLength(5)
      const recorded = yield* admin.unsafe<{ readonly migration_id: number }>(
        `SELECT migration_id FROM ${schema}.kasir_ledger_migrations ORDER BY migration_id`
      )
      expect(recorded).toEqual([{ migration_id: 1 }, { migration_id: 2 }])
    })
  )
})
