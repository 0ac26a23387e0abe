import { describeSimulationShard } from './sim-shard';

describeSimulationShard(0, 2);
