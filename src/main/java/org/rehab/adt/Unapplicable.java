package org.rehab.adt;

/** A message that cannot be applied as it is: answered AE, with the error and a sentence that says why. */
final class Unapplicable extends RuntimeException {

    final AdtAck.Error error;

    Unapplicable(AdtAck.Error error, String message) {
        super(message);
        this.error = error;
    }
}
