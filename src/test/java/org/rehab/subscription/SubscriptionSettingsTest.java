package org.rehab.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionSettingsTest {

    private static SubscriptionSettings allowing(String... prefixes) {
        return withOverrides(Map.of(), prefixes);
    }

    private static SubscriptionSettings withOverrides(
            Map<String, SubscriptionSettings.TenantOverrides> tenants, String... prefixes) {
        return new SubscriptionSettings(
                List.of(prefixes),
                true,
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofMinutes(5),
                Duration.ofMillis(500),
                Duration.ofSeconds(60),
                tenants);
    }

    @Test
    void anEndpointUnderAnAllowedPrefixIsAllowed() {
        SubscriptionSettings settings = allowing("https://ehr.north.example/hooks/", "https://engine.north.example");

        assertThat(settings.allows("north", "https://ehr.north.example/hooks/rehab"))
                .isTrue();
        assertThat(settings.allows("north", "https://engine.north.example")).isTrue();
        assertThat(settings.allows("north", "https://engine.north.example/notify?x=1"))
                .isTrue();
    }

    @Test
    void aPrefixWithoutATrailingSlashAllowsNoOtherHostNorPort() {
        SubscriptionSettings settings = allowing("https://engine.north.example");

        assertThat(settings.allows("north", "https://engine.north.example.attacker.net/"))
                .isFalse();
        assertThat(settings.allows("north", "https://engine.north.example:6379/"))
                .isFalse();
        assertThat(settings.allows("north", "https://engine.north.examplex/")).isFalse();
    }

    @Test
    void aPrefixEndingWithAColonAllowsAnyPortOfItsHost() {
        SubscriptionSettings settings = allowing("http://127.0.0.1:");

        assertThat(settings.allows("north", "http://127.0.0.1:8081/notify")).isTrue();
        assertThat(settings.allows("north", "http://127.0.0.1:80@evil.example/"))
                .isFalse();
    }

    @Test
    void encodedDotsSlashesAndClimbingOutOfThePrefixAreRefused() {
        SubscriptionSettings settings = allowing("https://ehr.north.example/hooks/");

        assertThat(settings.allows("north", "https://ehr.north.example/hooks/%2e%2e/admin"))
                .isFalse();
        assertThat(settings.allows("north", "https://ehr.north.example/hooks/%2Fadmin"))
                .isFalse();
        assertThat(settings.allows("north", "https://ehr.north.example/hooks/..%5cadmin"))
                .isFalse();
        assertThat(settings.allows("north", "https://ehr.north.example/hooks/../admin"))
                .isFalse();
    }

    @Test
    void onlyHttpUrlsWithoutUserInfoAreAllowed() {
        SubscriptionSettings settings = allowing("https://ehr.north.example/");

        assertThat(settings.allows("north", "https://user:pw@ehr.north.example/x"))
                .isFalse();
        assertThat(settings.allows("north", "ftp://ehr.north.example/x")).isFalse();
        assertThat(settings.allows("north", "not a url")).isFalse();
        assertThat(settings.allows("north", null)).isFalse();
    }

    @Test
    void aHospitalWithItsOwnListMayNotifyOnlyThoseAndTheOthersKeepTheCommonList() {
        SubscriptionSettings settings = withOverrides(
                Map.of("north", new SubscriptionSettings.TenantOverrides(List.of("https://engine.north.example/"))),
                "https://engine.north.example/",
                "https://engine.south.example/");

        assertThat(settings.allows("north", "https://engine.north.example/notify"))
                .isTrue();
        assertThat(settings.allows("north", "https://engine.south.example/notify"))
                .isFalse();
        assertThat(settings.allows("south", "https://engine.south.example/notify"))
                .isTrue();
        assertThat(settings.allows("south", "https://engine.north.example/notify"))
                .isTrue();
    }
}
