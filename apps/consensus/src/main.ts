import { runService, useDataDir } from '@quarry/service-kit';
import { ConsensusNode } from './consensus-node';
import { consensusSettings } from './settings';

void runService({
  role: 'consensus',
  settings: consensusSettings,
  module: async (ctx, config) => {
    const peers = config.consensusPeers.map(Number);
    if (peers.some((p) => !Number.isInteger(p) || p < 1)) throw new Error(`QUARRY_CONSENSUS_PEERS=${config.consensusPeers.join(',')} must list positive node ids`);
    if (!peers.includes(config.nodeId)) throw new Error(`QUARRY_NODE_ID=${config.nodeId} is not one of QUARRY_CONSENSUS_PEERS=${config.consensusPeers.join(',')}`);
    useDataDir(config.dataDir, ctx.readiness);
    const node = await ConsensusNode.start(ctx, { nodeId: config.nodeId, peers, dataDir: config.dataDir, tickMs: config.tickMs, watchHistoryRevisions: config.watchHistoryRevisions, watchHistoryBytes: config.watchHistoryBytes });
    return { module: class ConsensusModule {}, providers: [{ provide: ConsensusNode, useValue: node }, { provide: 'KvServer', useValue: node.server }] };
  },
});
