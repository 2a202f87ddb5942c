/** Workshops, challenges, votes, promises, supporters and check-ins (migration 016). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the workshops feature
export interface WorkshopDatabase {}
