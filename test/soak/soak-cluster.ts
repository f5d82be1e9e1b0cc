// Test support (Node): what every failure soak stands on — two server instances over one database behind the
// round-robin proxy, and the soak's ChatClients signed in through that proxy; stopped in the reverse order.
import { startServerProcess, startTwoInstances, type ServerProcess } from '../support/server-process.js';
import { ChatLoad } from './chat-load.js';
import { RoundRobinProxy } from './round-robin-proxy.js';

/** No send limit, and room for every soak client's registration from one address; only warnings logged. */
const SERVER_ENV = { SENDS_PER_MINUTE: '0', REGISTRATIONS_PER_ADDRESS: '100000', LOG_LEVEL: 'warn' };

export class SoakCluster {
  readonly instances: ServerProcess[] = [];
  readonly load = new ChatLoad();
  #proxy: RoundRobinProxy | undefined;

  get proxy(): RoundRobinProxy {
    if (!this.#proxy) throw new Error('the soak cluster is not started');
    return this.#proxy;
  }

  /** Starts both instances over `databaseUrl` and the proxy, and signs in `users` clients named `prefix`0… */
  async start(databaseUrl: string, users: number, prefix: string): Promise<void> {
    this.instances.push(...(await startTwoInstances(databaseUrl, SERVER_ENV)));
    this.#proxy = new RoundRobinProxy(this.instances.map((i) => i.url));
    await this.#proxy.start();
    await this.load.signIn(this.#proxy.url, users, prefix);
  }

  /** Starts instance `index` again on the port it had (after a kill), as a supervisor would. */
  async restart(index: number): Promise<void> {
    const old = this.instances[index]!;
    this.instances[index] = await startServerProcess({ databaseUrl: old.databaseUrl, env: { ...SERVER_ENV, PORT: new URL(old.url).port } });
  }

  async stop(): Promise<void> {
    await this.load.close();
    await this.#proxy?.stop();
    await Promise.all(this.instances.map((i) => i.stop()));
  }
}
