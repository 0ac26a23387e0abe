import { describeSimulationShard } from './sim-shard';

describeSimulationShard(1, 2);
