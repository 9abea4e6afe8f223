package org.rehab.subscription;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/** The notifications not yet delivered (table {@code rehab_notification}): recorded, leased, retried, deleted. */
@Component
public class NotificationOutbox {

    /** A notification to deliver. */
    record Notification(
            long id,
            String tenant,
            String subscriptionId,
            String resourceType,
            String resourceId,
            Long resourceVersion,
            int attempts) {}

    private static final RowMapper<Notification> NOTIFICATION = (rows, i) -> new Notification(
            rows.getLong("id"),
            rows.getString("tenant"),
            rows.getString("subscription_id"),
            rows.getString("resource_type"),
            rows.getString("resource_id"),
            (Long) rows.getObject("resource_version", Long.class),
            rows.getInt("attempts"));

    private final JdbcTemplate jdbc;
    private final Clock clock;

    NotificationOutbox(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a notification, due at once, in the caller's transaction. */
    void record(String tenant, String subscriptionId, IIdType resource) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update(
                "INSERT INTO rehab_notification (tenant, subscription_id, resource_type, resource_id,"
                        + " resource_version, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                tenant,
                subscriptionId,
                resource.getResourceType(),
                resource.getIdPart(),
                resource.isVersionIdPartValidLong() ? resource.getVersionIdPartAsLong() : null,
                now,
                now);
    }

    /** Leases up to {@code limit} due notifications, oldest first; call inside a transaction. */
    List<Notification> claimDue(int limit, Instant now, Instant lease) {
        List<Notification> due = jdbc.query(
                "SELECT id, tenant, subscription_id, resource_type, resource_id, resource_version, attempts"
                        + " FROM rehab_notification WHERE next_attempt_at <= ?"
                        + " AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " ORDER BY next_attempt_at, id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                NOTIFICATION,
                Timestamp.from(now),
                Timestamp.from(now));
        jdbc.batchUpdate(
                "UPDATE rehab_notification SET claimed_until = ? WHERE id = ?",
                due.stream()
                        .map(notification -> new Object[] {Timestamp.from(lease), notification.id()})
                        .toList());
        return due;
    }

    /** Delivered, or no longer to deliver (its Subscription is gone or off): forgotten. */
    void done(long id) {
        jdbc.update("DELETE FROM rehab_notification WHERE id = ?", id);
    }

    /** Not delivered this time: due again at {@code next}. */
    void failed(long id, int attempts, Instant next, String error) {
        jdbc.update(
                "UPDATE rehab_notification SET attempts = ?, next_attempt_at = ?, claimed_until = NULL,"
                        + " last_error = ? WHERE id = ?",
                attempts,
                Timestamp.from(next),
                error.length() > 1000 ? error.substring(0, 1000) : error,
                id);
    }

    /** Leased but not tried (the lease would run out first): due again at once, for any worker. */
    void release(long id) {
        jdbc.update("UPDATE rehab_notification SET claimed_until = NULL WHERE id = ?", id);
    }

    /** How many notifications of a hospital wait for delivery. */
    int waiting(String tenant) {
        Integer count =
                jdbc.queryForObject("SELECT COUNT(*) FROM rehab_notification WHERE tenant = ?", Integer.class, tenant);
        return count == null ? 0 : count;
    }
}
