// The API's refusals in French, keyed by error code and, where a sentence can say more, by code
// and field. Loaded on demand when the app is in French (not part of the first page's JS); in
// English the server's own message is shown.

/** One sentence per code (UserError.code and GraphQL errors' extensions.code). */
const byCode: Record<string, string> = {
  INVALID_INPUT: 'Cette valeur n’est pas acceptée.',
  NOT_FOUND: 'Introuvable : l’élément a peut-être été supprimé.',
  UNAUTHENTICATED: 'Connectez-vous pour faire cela.',
  FORBIDDEN: 'Vous n’avez pas le droit de faire cela.',
  ALREADY_EXISTS: 'Cette valeur est déjà prise.',
  RATE_LIMITED: 'Trop de tentatives : patientez un peu avant de réessayer.',
  INVALID_CREDENTIALS: 'Adresse e-mail ou mot de passe incorrect.',
  INVALID_PHASE: 'Ce n’est pas possible à cette étape de la campagne.',
  INVALID_TRANSITION: 'Ce changement d’état n’est pas possible maintenant.',
  INVALID_SPEC: 'La spécification ne respecte pas le modèle de la campagne.',
  BUDGET_EXCEEDED: 'Vous avez dépassé votre budget de vote : retirez un vote ailleurs d’abord.',
  LOCKED: 'C’est verrouillé : ce n’est plus modifiable.',
  SERVICE_UNAVAILABLE: 'Le service est momentanément indisponible ; rien n’a été modifié. Réessayez dans un instant.',
  BAD_USER_INPUT: 'La demande est hors des limites acceptées.',
  INTEGRITY_FAILURE: 'Les données enregistrées ne correspondent plus à ce qui a été scellé.',
  GRAPHQL_VALIDATION_FAILED: 'La demande n’est pas valide pour l’API.',
  GRAPHQL_PARSE_FAILED: 'La demande n’est pas valide pour l’API.',
  CONFLICT: 'Cette clé d’idempotence a déjà servi pour une autre demande.',
};

/** A more precise sentence for a code at a field (the field's last name in the path). */
const byField: Record<string, string> = {
  'ALREADY_EXISTS:email': 'Un compte existe déjà avec cette adresse e-mail.',
  'ALREADY_EXISTS:slug': 'Cette adresse est déjà prise : choisissez-en une autre.',
  'INVALID_INPUT:email': 'Cette adresse e-mail n’est pas valide.',
  'INVALID_INPUT:password': 'Le mot de passe doit comporter entre 10 et 1024 caractères.',
  'INVALID_INPUT:displayName': 'Le nom affiché doit comporter de 1 à 80 caractères.',
  'INVALID_INPUT:slug': 'L’adresse ne peut contenir que des minuscules, des chiffres et des tirets.',
  'INVALID_INPUT:title': 'Le titre est vide ou trop long.',
  'INVALID_INPUT:name': 'Le nom est vide ou trop long.',
  'INVALID_INPUT:summary': 'Le résumé est trop long.',
  'INVALID_INPUT:tiers': 'Les paliers de prix ne conviennent pas : les prix doivent baisser quand les quantités augmentent.',
  'INVALID_INPUT:price': 'Les prix doivent baisser quand les quantités augmentent.',
  'INVALID_INPUT:origins': 'Une origine est une adresse comme https://blog.example (sans chemin).',
  'INVALID_INPUT:accentColor': 'La couleur doit s’écrire #rrggbb.',
  'INVALID_INPUT:logoUrl': 'Le logo doit être une adresse https.',
  'INVALID_INPUT:webhookUrl': 'L’adresse du webhook doit être une URL https publique.',
  'INVALID_INPUT:voting': 'Ces règles de vote ne vont pas ensemble.',
  'INVALID_INPUT:value': 'Cette valeur de vote n’est pas permise par la méthode de la campagne.',
  'INVALID_INPUT:ranking': 'Le bulletin ne peut classer que des propositions en lice, chacune une fois.',
  'INVALID_INPUT:units': 'Le nombre d’unités doit être positif.',
  'INVALID_INPUT:moq': 'La quantité minimale de commande doit être positive.',
  'INVALID_INPUT:quantity': 'La quantité doit être un nombre positif.',
  'INVALID_SPEC:quantity': 'La quantité doit être un nombre positif.',
  'INVALID_SPEC:servings': 'Le nombre de portions doit être un entier positif.',
  'INVALID_SPEC:name': 'Donnez un nom.',
  'INVALID_SPEC:steps': 'Ajoutez au moins une étape.',
  'INVALID_SPEC:ingredients': 'Ajoutez au moins un ingrédient.',
  'FORBIDDEN:role': 'Seul le propriétaire de la marque peut changer les rôles.',
  'INVALID_TRANSITION:handoffId': 'Ce transfert ne peut plus changer d’état ainsi.',
  'INVALID_INPUT:stars': 'La note va de 1 à 5 étoiles.',
  'INVALID_INPUT:review': 'L’avis est trop long (2 000 caractères au plus).',
  'INVALID_INPUT:pledgeIds': 'Un de ces engagements est inconnu pour ce transfert.',
  'FORBIDDEN:stars': 'Seuls les acheteurs livrés peuvent noter ce produit.',
  'INVALID_INPUT:netRevenue': 'Le chiffre d’affaires net doit être un montant positif, au centime de la devise.',
  'INVALID_INPUT:currency': 'Indiquez une devise ISO 4217 (EUR, USD, JPY…).',
  'INVALID_INPUT:periodEnd': 'La fin de la période doit suivre son début.',
  'INVALID_INPUT:idempotencyKey': 'Donnez une clé d’idempotence (par exemple le mois du relevé).',
  'INVALID_INPUT:brandPercent': 'Un pourcentage va de 0 à 100, à quatre décimales au plus ; la somme ne dépasse pas 100.',
  'INVALID_INPUT:authorsPercent': 'Un pourcentage va de 0 à 100, à quatre décimales au plus ; la somme ne dépasse pas 100.',
  'INVALID_INPUT:supporters': 'Les seuils des paliers doivent croître strictement.',
  'INVALID_INPUT:extensionDays': 'Une prolongation compte de 1 à 3 650 jours.',
  'INVALID_INPUT:initialDays': 'La durée de départ compte de 1 à 3 650 jours.',
  'INVALID_INPUT:reason': 'Donnez une raison.',
};

/** The French sentence for an error, or null when the code is not known here. */
export function frenchMessage(code: string, field: readonly string[] | null): string | null {
  const named = [...(field ?? [])].reverse().find((part) => !/^\d+$/.test(part));
  return (named && byField[`${code}:${named}`]) || byCode[code] || null;
}
