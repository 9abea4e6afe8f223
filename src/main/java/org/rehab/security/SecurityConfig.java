package org.rehab.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.rehab.web.FhirErrorResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.config.annotation.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.CorsFilter;

/**
 * Spring Security as an OAuth2 resource server for Keycloak's SMART tokens: every FHIR request needs a JWT signed by
 * the realm (keys from its JWKS, refetched when Keycloak rotates them), issued by it, unexpired and naming the FHIR
 * base URL as audience; otherwise 401 with {@code WWW-Authenticate} and an OperationOutcome. The capability
 * statement, SMART discovery and health are public. What a valid token may do is decided inside HAPI
 * ({@link SmartAuthorizationInterceptor}). With {@code rehab.security.enabled=false} (local mode) nothing is
 * checked; {@link LoopbackOnly} keeps that mode on loopback and {@link LocalMode} says so.
 */
@Configuration
class SecurityConfig {

    private static final Pattern OPEN_TO_ANY_ORIGIN =
            Pattern.compile("/fhir(/[^/]+)?/(metadata|\\.well-known/smart-configuration)/?");

    private static final String[] PUBLIC = {
        "/fhir/metadata", "/fhir/*/metadata", "/fhir/*/.well-known/smart-configuration", "/actuator/health/**"
    };

    /**
     * The API answers data, never pages to run: a browser that opens it (HAPI renders FHIR as HTML for browsers)
     * runs no script and loads nothing, and no site may frame it.
     */
    private static final String API_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    /** Realm roles that may read the operations endpoints (metrics): a scraper's service account, administrators. */
    private static final String[] OPERATIONS_ROLES = {"monitoring", "admin"};

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecuritySettings settings, RefusedRequests audit)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilter(corsFilter(settings))
                .headers(headers -> headers.frameOptions(frame -> frame.deny())
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                PathPatternRequestMatcher.withDefaults().matcher("/dashboard/**"),
                                new StaticHeadersWriter("Content-Security-Policy", dashboardPolicy(settings))))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                PathPatternRequestMatcher.withDefaults().matcher("/fhir/**"),
                                new StaticHeadersWriter("Content-Security-Policy", API_POLICY))));
        if (!settings.enabled()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        TokenRefusals refusals = new TokenRefusals(audit);
        http.authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.OPTIONS, "/fhir/**")
                        .permitAll()
                        .requestMatchers(PUBLIC)
                        .permitAll()
                        .requestMatchers("/dashboard/**")
                        .permitAll()
                        .requestMatchers("/actuator/**")
                        .hasAnyRole(OPERATIONS_ROLES)
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(exceptions ->
                        exceptions.accessDeniedHandler((request, response, denied) -> FhirErrorResponses.write(
                                response,
                                HttpServletResponse.SC_FORBIDDEN,
                                OperationOutcome.IssueType.FORBIDDEN,
                                "This endpoint is for operations staff: it needs the realm role "
                                        + String.join(" or ", OPERATIONS_ROLES) + ".")))
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtAuthenticationConverter(realmRoles()))
                        .authenticationEntryPoint(refusals)
                        .withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                            @Override
                            public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                                filter.setAuthenticationFailureHandler(refusals);
                                return filter;
                            }
                        }));
        return http.build();
    }

    /** A token's authorities are the caller's Keycloak realm roles ({@code ROLE_therapist}, …). */
    private static JwtAuthenticationConverter realmRoles() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(token -> Caller.realmRoles(token).stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role))
                .toList());
        return converter;
    }

    /** The dashboard loads only its own files and talks only to this server and Keycloak. */
    private static String dashboardPolicy(SecuritySettings settings) {
        String keycloak = URI.create(settings.issuer()).resolve("/").toString().replaceAll("/$", "");
        return "default-src 'self'; connect-src 'self' " + keycloak + "; img-src 'self' data:; object-src 'none';"
                + " base-uri 'self'; form-action 'self' " + keycloak + "; frame-ancestors 'none'";
    }

    @Bean
    JwtDecoder jwtDecoder(SecuritySettings settings) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUriOrDefault())
                .jwsAlgorithms(algorithms -> algorithms.addAll(
                        List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384, SignatureAlgorithm.ES256)))
                .build();
        OAuth2TokenValidator<Jwt> audience =
                token -> token.getAudience() != null && token.getAudience().contains(settings.audience())
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error(
                                "invalid_token", "The token is not meant for " + settings.audience(), null));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(settings.clockSkew()), new JwtIssuerValidator(settings.issuer()), audience));
        return decoder;
    }

    /**
     * CORS as SMART apps expect: discovery and the capability statement to any origin, the API to the configured
     * origins (the dashboard is served by the server itself and needs none).
     */
    private static CorsFilter corsFilter(SecuritySettings settings) {
        CorsFilter filter = new CorsFilter(corsConfiguration(settings));
        filter.setCorsProcessor(new CorsRefusals());
        return filter;
    }

    /** A refused cross-origin request is answered, like every refusal, with an OperationOutcome. */
    private static final class CorsRefusals extends DefaultCorsProcessor {
        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            if (response instanceof ServletServerHttpResponse servlet) {
                FhirErrorResponses.write(
                        servlet.getServletResponse(),
                        HttpServletResponse.SC_FORBIDDEN,
                        OperationOutcome.IssueType.FORBIDDEN,
                        "This origin may not call the API: its origin, method or headers are not among"
                                + " rehab.security.allowed-origins and the methods and headers the API allows");
                return;
            }
            super.rejectRequest(response);
        }
    }

    private static CorsConfigurationSource corsConfiguration(SecuritySettings settings) {
        CorsConfiguration open = new CorsConfiguration();
        open.addAllowedOriginPattern("*");
        open.setAllowedMethods(List.of("GET", "OPTIONS"));
        open.addAllowedHeader("*");
        CorsConfiguration api = new CorsConfiguration();
        api.setAllowedOrigins(settings.allowedOrigins());
        api.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        api.setAllowedHeaders(List.of(
                "Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Exist", "If-None-Match"));
        api.setExposedHeaders(
                List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "X-Progress"));
        return request -> {
            String path = request.getRequestURI();
            if (OPEN_TO_ANY_ORIGIN.matcher(path).matches()) {
                return open;
            }
            return path.startsWith("/fhir/") ? api : null;
        };
    }
}
