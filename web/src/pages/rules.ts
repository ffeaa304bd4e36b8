// The campaign's voting rules in plain words.
import { t } from '../i18n';

export interface Rules {
  method: string;
  weighting: string;
  votesPerMember?: number | null;
  creditsPerMember?: number | null;
  quorum: number;
  supportThreshold?: number | null;
  minAccountAgeHours: number;
  maxVoterShare?: number | null;
}

export function rulesInWords(rules: Rules): string[] {
  const lines: string[] = [];
  if (rules.method === 'APPROVAL') lines.push(t('rules.approval', { count: rules.votesPerMember ?? 1 }));
  if (rules.method === 'SCORE') lines.push(t('rules.score'));
  if (rules.method === 'QUADRATIC') lines.push(t('rules.quadratic', { count: rules.creditsPerMember ?? 0 }));
  if (rules.method === 'RANKED') lines.push(t('rules.ranked'));
  lines.push(t(`rules.weighting.${rules.weighting}` as never));
  if (rules.quorum > 0) lines.push(t('rules.quorum', { count: rules.quorum }));
  if (rules.supportThreshold) lines.push(t('rules.threshold', { count: rules.supportThreshold }));
  if (rules.minAccountAgeHours > 0) lines.push(t('rules.age', { count: rules.minAccountAgeHours }));
  if (rules.maxVoterShare) lines.push(t('rules.share', { percent: Math.round(rules.maxVoterShare * 100) }));
  return lines;
}
