package org.rehab.cdshooks;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The CDS Hooks JWTs used, by issuer and {@code jti}, in table {@code rehab_cds_token_use}, each kept until it
 * expires (and the clock skew after): the database refuses a second use, so a token replayed to another instance of
 * the server is refused too.
 */
class UsedTokens {

    /** A {@code jti} longer than this is refused before it is stored. */
    static final int MAX_ID_LENGTH = 200;

    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration skew;
    private final AtomicReference<Instant> lastCleanup = new AtomicReference<>(Instant.EPOCH);

    UsedTokens(JdbcTemplate jdbc, Clock clock, Duration skew) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.skew = skew;
    }

    /** Records the use of the token; false if it was used before, on any instance. */
    boolean firstUse(String issuer, String jti, Instant expiresAt) {
        forgetExpired();
        try {
            jdbc.update(
                    "INSERT INTO rehab_cds_token_use (issuer, jti, expires_at) VALUES (?, ?, ?)",
                    issuer,
                    jti,
                    Timestamp.from(expiresAt));
            return true;
        } catch (DuplicateKeyException usedBefore) {
            return false;
        }
    }

    /** Tokens expired longer ago than the skew can be refused by their expiry alone. */
    private void forgetExpired() {
        Instant now = clock.instant();
        Instant last = lastCleanup.get();
        if (now.isAfter(last.plus(CLEANUP_EVERY)) && lastCleanup.compareAndSet(last, now)) {
            jdbc.update("DELETE FROM rehab_cds_token_use WHERE expires_at < ?", Timestamp.from(now.minus(skew)));
        }
    }
}
