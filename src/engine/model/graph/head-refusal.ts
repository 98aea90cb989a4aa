/**
 * How the CAM-head search says no: the public message and error, and the internal error that
 * every step of the walk throws (findCamHead turns it into a CamHeadResult).
 */

export const REFUSAL_MESSAGE = "this model's head is not GAP + linear; use a black-box prior or import one";

/** Thrown by requireCamHead. */
export class CamHeadRefusal extends Error {
  constructor(readonly found: string) {
    super(`${REFUSAL_MESSAGE} (found: ${found})`);
    this.name = 'CamHeadRefusal';
  }
}

/**
 * Thrown inside the walk with what was found instead of the expected op.  A class of its own so
 * that findCamHead catches exactly these and lets real errors (corrupt tensors, bugs) through.
 */
export class NotACamHead extends Error {}
