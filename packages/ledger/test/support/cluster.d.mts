/** A throwaway PostgreSQL server on a free loopback port (see cluster.mjs). */
export declare const startCluster: () => Promise<{ readonly url: string; readonly stop: () => void }>
