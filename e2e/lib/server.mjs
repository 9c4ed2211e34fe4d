// Starts the real pairroom binary on a free port with its own SQLite file,
// and stops, kills and restarts it, so that browser tests exercise the
// server a user runs (restarts included), not a stand-in.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The server binary: `PAIRROOM_BIN`, or the debug build of the checkout. */
export function binary() {
  return process.env.PAIRROOM_BIN || resolve(here, "../../target/debug/pairroom");
}

/** A port that was free a moment ago. */
function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Resolves once `url` answers, or rejects after `ms`. */
async function waitUntilUp(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`server at ${url} did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A running pairroom process; `restart` reuses its port and database. */
export class Server {
  constructor(port, dir, extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
    this.base = `http://127.0.0.1:${port}`;
    this.child = null;
    this.log = [];
  }

  /** Starts a server on a free port with an empty database. */
  static async start(extraArgs = []) {
    const dir = mkdtempSync(join(tmpdir(), "pairroom-e2e-"));
    const server = new Server(await freePort(), dir, extraArgs);
    await server.launch();
    return server;
  }

  /** Spawns the process and waits until it serves the home page. */
  async launch() {
    const args = [
      "serve",
      "--listen", `127.0.0.1:${this.port}`,
      "--database-url", `sqlite://${this.dir}/pairroom.db`,
      ...this.extraArgs,
    ];
    const child = spawn(binary(), args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" },
    });
    const keep = (chunk) => {
      this.log.push(String(chunk));
      if (this.log.length > 200) this.log.shift();
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    this.exited = new Promise((r) => child.once("exit", r));
    this.child = child;
    await waitUntilUp(`${this.base}/`, 15_000);
  }

  /** Sends `signal` and waits for the process to end. */
  async kill(signal = "SIGKILL") {
    if (!this.child) return;
    this.child.kill(signal);
    await this.exited;
    this.child = null;
  }

  /** Kills the process (SIGKILL: no goodbye to anyone), waits `downMs`,
   * and starts it again on the same port and file. */
  async restart(downMs = 1500) {
    await this.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, downMs));
    await this.launch();
  }

  /** Stops the process and removes its database. */
  async stop() {
    await this.kill("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A JSON request to the native API; returns the parsed answer. */
  async api(method, path, body) {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Creates a room through the native API; returns its envelope. */
  createRoom(participants, phases, autoAdvance = false) {
    const body = { participants };
    if (phases) body.plan = { phases, auto_advance: autoAdvance };
    return this.api("POST", "/rooms", body);
  }
}
