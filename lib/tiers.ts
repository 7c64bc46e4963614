import type { Quotas, Tier } from './schemas/tenant';

/** What each plan includes (docs/architecture.md). Features gate pages, actions and API access. */
export const TIER_FEATURES = ['dashboards', 'multipleModels', 'explanations', 'advancedExplanations', 'realtime', 'api', 'whiteLabel', 'assistant'] as const;
export type TierFeature = (typeof TIER_FEATURES)[number];
export type RetrainSchedule = 'daily' | 'weekly' | 'monthly';

interface TierDefinition {
  label: string;
  basePricePerMonth: number;
  features: readonly TierFeature[];
  schedules: readonly RetrainSchedule[];
  quotas: Quotas;
}

const MB = 1024 * 1024;

export const TIERS_TABLE: Record<Tier, TierDefinition> = {
  starter: {
    label: 'Starter',
    basePricePerMonth: 99,
    features: ['dashboards'],
    schedules: ['monthly'],
    quotas: { apiCallsPerMonth: 100_000, storageBytes: 1024 * MB, models: 1, trainingJobsPerDay: 5, rateLimitPerMinute: 1000 },
  },
  pro: {
    label: 'Pro',
    basePricePerMonth: 299,
    features: ['dashboards', 'multipleModels', 'explanations', 'realtime'],
    schedules: ['monthly', 'weekly'],
    quotas: { apiCallsPerMonth: 1_000_000, storageBytes: 5 * 1024 * MB, models: 20, trainingJobsPerDay: 20, rateLimitPerMinute: 1000 },
  },
  enterprise: {
    label: 'Enterprise',
    basePricePerMonth: 999,
    features: ['dashboards', 'multipleModels', 'explanations', 'advancedExplanations', 'realtime', 'api', 'whiteLabel', 'assistant'],
    schedules: ['monthly', 'weekly', 'daily'],
    quotas: { apiCallsPerMonth: 10_000_000, storageBytes: 50 * 1024 * MB, models: 1_000_000, trainingJobsPerDay: 200, rateLimitPerMinute: 1000 },
  },
};

export function tierHas(tier: Tier, feature: TierFeature): boolean {
  return TIERS_TABLE[tier].features.includes(feature);
}

/** The tenant's effective quotas: its tier's, with any platform-admin overrides on top. */
export function effectiveQuotas(tier: Tier, overrides: Partial<Quotas> | undefined): Quotas {
  return { ...TIERS_TABLE[tier].quotas, ...(overrides ?? {}) };
}
