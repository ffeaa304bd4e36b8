// The support ladder's strings, English and French, and lt() to read them. Kept out of the
// main catalogues so that the embeddable widget (which shows no ladder) does not carry them.
import { formatNumber, locale } from './index';

const p = (one: string, other: string) => ({ one, other });

export const ladderEn = {
  'ladder.title': 'Support ladder',
  'ladder.stagesTitle': 'Stages',
  'ladder.initial': p('Each proposal starts with {count} day.', 'Each proposal starts with {count} days.'),
  'ladder.stageLine': p('{supporters} supporter: +{days} day', '{supporters} supporters: +{days} days'),
  'ladder.lastStageLine': p('{supporters} supporter: the brand reviews it', '{supporters} supporters: the brand reviews it'),
  'ladder.stage': 'Stage {stage} of {last}',
  'ladder.progress': 'Supporters: {supporters} of {next} for stage {stage}',
  'ladder.progressTop': 'Supporters: {supporters}',
  'ladder.deadline': 'Deadline: {date} ({left})',
  'ladder.status.CLIMBING': 'Collecting support',
  'ladder.status.REVIEW': 'In the brand’s review',
  'ladder.reviewInConsole': 'Review it in the console',
  'ladder.status.APPROVED': 'Approved: going to production',
  'ladder.status.DECLINED': 'Declined',
  'ladder.status.EXPIRED': 'Expired: missed its deadline',
  'ladder.declinedBecause': 'Declined by the brand: {reason}',
  'ladder.notStarted': 'The ladder starts when voting opens.',
  'ladder.history': 'History',
  'ladder.event.ladder.started': 'Started climbing; deadline {deadline}',
  'ladder.event.ladder.stage_reached': 'Reached stage {stage} with {supporters} supporters',
  'ladder.event.ladder.deadline_extended': 'Deadline extended to {deadline}',
  'ladder.event.ladder.review_requested': 'Sent to the brand’s review',
  'ladder.event.ladder.approved': 'Approved by the brand',
  'ladder.event.ladder.declined': 'Declined by the brand: {reason}',
  'ladder.event.ladder.expired': 'Expired',
  'ladder.review': 'Review queue',
  'ladder.reviewEmpty': 'No proposal awaits your review.',
  'ladder.approve': 'Approve “{title}”',
  'ladder.decline': 'Decline “{title}”',
  'ladder.reason': 'Reason for declining “{title}”',
  'ladder.approved': 'Approved: the spec was handed to the partners.',
  'ladder.declined': 'Declined; its supporters will see your reason.',
  'ladder.settings': 'Support ladder',
  'ladder.enable': 'Run this campaign as a support ladder (instead of a voting window)',
  'ladder.settingsHint': 'Each proposal has its own deadline; reaching a stage extends it; the last stage sends it to your review. Approval voting, no voting close time.',
  'ladder.initialDays': 'Days at the start',
  'ladder.stageSupporters': 'Stage {n}: supporters',
  'ladder.stageDays': 'Stage {n}: days added',
  'ladder.addStage': 'Add a stage',
  'ladder.removeStage': 'Remove stage {n}',
};

export const ladderFr: { [K in keyof typeof ladderEn]: string | { one: string; other: string } } = {
  'ladder.title': 'Échelle de soutien',
  'ladder.stagesTitle': 'Paliers',
  'ladder.initial': p('Chaque proposition démarre avec {count} jour.', 'Chaque proposition démarre avec {count} jours.'),
  'ladder.stageLine': p('{supporters} soutien : +{days} jour', '{supporters} soutiens : +{days} jours'),
  'ladder.lastStageLine': p('{supporters} soutien : la marque l’examine', '{supporters} soutiens : la marque l’examine'),
  'ladder.stage': 'Palier {stage} sur {last}',
  'ladder.progress': 'Soutiens : {supporters} sur {next} pour le palier {stage}',
  'ladder.progressTop': 'Soutiens : {supporters}',
  'ladder.deadline': 'Échéance : {date} ({left})',
  'ladder.status.CLIMBING': 'En quête de soutiens',
  'ladder.status.REVIEW': 'En examen par la marque',
  'ladder.reviewInConsole': 'L’examiner dans la console',
  'ladder.status.APPROVED': 'Approuvée : part en production',
  'ladder.status.DECLINED': 'Refusée',
  'ladder.status.EXPIRED': 'Expirée : échéance manquée',
  'ladder.declinedBecause': 'Refusée par la marque : {reason}',
  'ladder.notStarted': 'L’échelle démarre à l’ouverture du vote.',
  'ladder.history': 'Historique',
  'ladder.event.ladder.started': 'Début de l’ascension ; échéance {deadline}',
  'ladder.event.ladder.stage_reached': 'Palier {stage} atteint avec {supporters} soutiens',
  'ladder.event.ladder.deadline_extended': 'Échéance repoussée au {deadline}',
  'ladder.event.ladder.review_requested': 'Soumise à l’examen de la marque',
  'ladder.event.ladder.approved': 'Approuvée par la marque',
  'ladder.event.ladder.declined': 'Refusée par la marque : {reason}',
  'ladder.event.ladder.expired': 'Expirée',
  'ladder.review': 'Propositions à examiner',
  'ladder.reviewEmpty': 'Aucune proposition n’attend votre examen.',
  'ladder.approve': 'Approuver « {title} »',
  'ladder.decline': 'Refuser « {title} »',
  'ladder.reason': 'Motif du refus de « {title} »',
  'ladder.approved': 'Approuvée : la fiche a été transmise aux partenaires.',
  'ladder.declined': 'Refusée ; ses soutiens verront votre motif.',
  'ladder.settings': 'Échelle de soutien',
  'ladder.enable': 'Mener cette campagne en échelle de soutien (au lieu d’une période de vote)',
  'ladder.settingsHint': 'Chaque proposition a sa propre échéance ; chaque palier atteint la repousse ; le dernier palier la soumet à votre examen. Vote par approbation, sans date de clôture du vote.',
  'ladder.initialDays': 'Jours au départ',
  'ladder.stageSupporters': 'Palier {n} : soutiens',
  'ladder.stageDays': 'Palier {n} : jours ajoutés',
  'ladder.addStage': 'Ajouter un palier',
  'ladder.removeStage': 'Retirer le palier {n}',
};

export type LadderKey = keyof typeof ladderEn;

/** t() for the ladder's strings: the current locale, plurals by ``count``, ``{name}`` filled. */
export function lt(key: LadderKey, params: Record<string, string | number> = {}): string {
  const entry = (locale() === 'fr' ? ladderFr : ladderEn)[key] ?? ladderEn[key];
  let text: string;
  if (typeof entry === 'string') {
    text = entry;
  } else {
    const rule = new Intl.PluralRules(locale()).select(Number(params.count ?? 0));
    text = rule === 'one' ? entry.one : entry.other;
  }
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}
