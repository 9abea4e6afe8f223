package org.rehab.cdshooks;

import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.rehab.security.SecuritySettings;
import org.rehab.web.FhirErrorResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The CDS Hooks paths have their own filter chain, ahead of the SMART one: discovery is public, a service call needs
 * the signed JWT of an EHR registered for the hospital ({@link EhrTokens}), anything else is refused. The services
 * take calls from any origin: they authenticate by a bearer token, never by a cookie.
 */
@Configuration
class CdsHooksSecurityConfig {

    @Bean
    @Order(1)
    SecurityFilterChain cdsHooksFilterChain(
            HttpSecurity http,
            SecuritySettings security,
            CdsHooksSettings settings,
            @Lazy RestfulServer fhirServer,
            JdbcTemplate jdbc,
            Clock clock)
            throws Exception {
        http.securityMatcher(CdsHooksPaths.ALL)
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .cors(cors -> cors.configurationSource(request -> anyOrigin()));
        if (!security.enabled()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        http.authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.OPTIONS, CdsHooksPaths.ALL)
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, CdsHooksPaths.DISCOVERY)
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, CdsHooksPaths.SERVICE)
                        .authenticated()
                        .anyRequest()
                        .denyAll())
                .oauth2ResourceServer(server -> server.authenticationManagerResolver(new EhrTokens(
                                settings,
                                request -> serviceUrl(fhirServer, request),
                                new UsedTokens(jdbc, clock, settings.clockSkew()),
                                clock))
                        .authenticationEntryPoint(CdsHooksSecurityConfig::refuse));
        return http.build();
    }

    /** The URL a service was called at, under this server's public address (never the Host header sent). */
    static String serviceUrl(RestfulServer fhirServer, HttpServletRequest request) {
        String fhirBase =
                fhirServer.getServerAddressStrategy().determineServerBase(request.getServletContext(), request);
        return fhirBase.replaceAll("/fhir/?$", "") + request.getRequestURI();
    }

    /** 401 with the reason in {@code WWW-Authenticate} (RFC 6750) and in an OperationOutcome. */
    private static void refuse(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException refused)
            throws IOException {
        new BearerTokenAuthenticationEntryPoint().commence(request, response, refused);
        String reason = refused instanceof OAuth2AuthenticationException oauth
                        && oauth.getError().getDescription() != null
                ? oauth.getError().getDescription()
                : "A CDS Hooks call needs the signed JWT of an EHR registered for this hospital";
        FhirErrorResponses.write(
                response, HttpServletResponse.SC_UNAUTHORIZED, OperationOutcome.IssueType.LOGIN, reason);
    }

    private static CorsConfiguration anyOrigin() {
        CorsConfiguration any = new CorsConfiguration();
        any.addAllowedOriginPattern("*");
        any.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        any.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept"));
        return any;
    }
}
