import type { CloudProvider } from './question-analysis.js';

/** How the demo groups cloud spend. */
export type CostCategory = 'compute' | 'kubernetes' | 'database' | 'storage' | 'network' | 'analytics' | 'observability' | 'other';

/** One line of a typical bill: a service and its usual share of the total. */
export interface CatalogueLine {
  readonly service: string;
  readonly category: CostCategory;
  readonly share: number;
}

/** Provider-specific names for the levers the optimisation agent pulls. */
export interface ProviderVocabulary {
  readonly commitments: string;
  readonly rightsizingTool: string;
  readonly storageTiering: string;
  readonly databaseCommitments: string;
  readonly spot: string;
  readonly budgets: string;
  readonly kubernetes: string;
}

/** A provider, or `generic` when the question names none. */
export type CatalogueKey = CloudProvider | 'generic';

// Shares are typical of a mid-size SaaS workload; each list sums to 1.
const LINES: Record<CatalogueKey, readonly CatalogueLine[]> = {
  AWS: [
    { service: 'Amazon EC2', category: 'compute', share: 0.38 },
    { service: 'Amazon RDS', category: 'database', share: 0.17 },
    { service: 'Amazon EKS (nodes)', category: 'kubernetes', share: 0.12 },
    { service: 'Amazon S3', category: 'storage', share: 0.11 },
    { service: 'Data transfer', category: 'network', share: 0.09 },
    { service: 'Amazon CloudWatch', category: 'observability', share: 0.05 },
    { service: 'Other services', category: 'other', share: 0.08 },
  ],
  GCP: [
    { service: 'Compute Engine', category: 'compute', share: 0.34 },
    { service: 'Google Kubernetes Engine', category: 'kubernetes', share: 0.16 },
    { service: 'Cloud SQL', category: 'database', share: 0.13 },
    { service: 'BigQuery', category: 'analytics', share: 0.12 },
    { service: 'Cloud Storage', category: 'storage', share: 0.1 },
    { service: 'Network egress', category: 'network', share: 0.08 },
    { service: 'Other services', category: 'other', share: 0.07 },
  ],
  Azure: [
    { service: 'Virtual Machines', category: 'compute', share: 0.37 },
    { service: 'Azure SQL Database', category: 'database', share: 0.16 },
    { service: 'Azure Kubernetes Service', category: 'kubernetes', share: 0.12 },
    { service: 'Blob Storage', category: 'storage', share: 0.1 },
    { service: 'Bandwidth', category: 'network', share: 0.08 },
    { service: 'Azure Monitor', category: 'observability', share: 0.06 },
    { service: 'Other services', category: 'other', share: 0.11 },
  ],
  generic: [
    { service: 'Virtual machines', category: 'compute', share: 0.38 },
    { service: 'Managed databases', category: 'database', share: 0.17 },
    { service: 'Kubernetes nodes', category: 'kubernetes', share: 0.12 },
    { service: 'Object storage', category: 'storage', share: 0.11 },
    { service: 'Data transfer', category: 'network', share: 0.09 },
    { service: 'Monitoring and logs', category: 'observability', share: 0.05 },
    { service: 'Other services', category: 'other', share: 0.08 },
  ],
};

const VOCABULARY: Record<CatalogueKey, ProviderVocabulary> = {
  AWS: {
    commitments: 'Compute Savings Plans',
    rightsizingTool: 'AWS Compute Optimizer',
    storageTiering: 'S3 Intelligent-Tiering and lifecycle rules',
    databaseCommitments: 'RDS Reserved Instances',
    spot: 'EC2 Spot Instances',
    budgets: 'AWS Budgets and Cost Anomaly Detection',
    kubernetes: 'Karpenter consolidation on EKS',
  },
  GCP: {
    commitments: 'committed use discounts',
    rightsizingTool: 'Recommender machine-type suggestions',
    storageTiering: 'Cloud Storage Autoclass (Nearline/Coldline)',
    databaseCommitments: 'Cloud SQL committed use discounts',
    spot: 'Spot VMs',
    budgets: 'Cloud Billing budgets and alerts',
    kubernetes: 'GKE cluster autoscaler with optimize-utilization',
  },
  Azure: {
    commitments: 'an Azure savings plan for compute',
    rightsizingTool: 'Azure Advisor',
    storageTiering: 'Blob lifecycle management (Cool and Archive tiers)',
    databaseCommitments: 'Azure SQL reserved capacity',
    spot: 'Azure Spot VMs',
    budgets: 'Cost Management budgets and anomaly alerts',
    kubernetes: 'the AKS cluster autoscaler',
  },
  generic: {
    commitments: '1-year compute commitments',
    rightsizingTool: "your provider's rightsizing recommendations",
    storageTiering: 'storage lifecycle rules to colder tiers',
    databaseCommitments: 'reserved database capacity',
    spot: 'spot or preemptible instances',
    budgets: 'budgets with anomaly alerts',
    kubernetes: 'cluster autoscaling and bin packing',
  },
};

/** The typical bill lines for a provider (or a generic cloud). */
export function catalogueLines(key: CatalogueKey): readonly CatalogueLine[] {
  return LINES[key];
}

/** The provider's names for commitments, tiering, spot capacity and budgets. */
export function vocabulary(key: CatalogueKey): ProviderVocabulary {
  return VOCABULARY[key];
}

/** What to check first for a category, in the provider's own words. */
export function firstCheck(category: CostCategory, key: CatalogueKey): string {
  const words = VOCABULARY[key];
  switch (category) {
    case 'compute':
      return `idle and oversized instances (${words.rightsizingTool}), and how much steady usage ${words.commitments} could cover`;
    case 'kubernetes':
      return `node utilisation and pod requests; ${words.kubernetes} usually frees 20-30% of nodes`;
    case 'database':
      return `oversized instances, idle replicas and ${words.databaseCommitments} for steady databases`;
    case 'storage':
      return `data nobody reads any more: ${words.storageTiering}, old snapshots and backups`;
    case 'network':
      return 'cross-zone and internet egress: caching, a CDN and keeping chatty services in one zone';
    case 'analytics':
      return 'the most expensive recurring queries, partitioning and slot or capacity commitments';
    case 'observability':
      return 'log ingestion and retention: drop debug logs and shorten retention for noisy sources';
    case 'other':
      return 'untagged resources without an owner: tag them or delete them';
  }
}
