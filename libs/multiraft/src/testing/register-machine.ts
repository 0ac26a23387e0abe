import type { Entry } from '@quarry/raft';
import type { GroupStateMachine } from '../state-machine';

/** A list of applied payloads as strings; enough to compare replicas in tests. */
export class AppendOnlyMachine implements GroupStateMachine {
  values: string[] = [];

  apply(entries: Entry[]): number[] {
    return entries.map((e) => this.values.push(new TextDecoder().decode(e.data)));
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.values));
  }

  restore(data: Uint8Array): void {
    this.values = data.length ? (JSON.parse(new TextDecoder().decode(data)) as string[]) : [];
  }
}
