package org.rehab.cdshooks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.http.HttpServletRequest;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a CDS Hooks call as the specification asks (CDS Hooks 2.0, "Trusting CDS Clients"): a JWT of an EHR
 * registered for the hospital named in the path, signed ES384 or RS384 with one of that EHR's keys, from its
 * issuer, naming the called service's URL as audience, unexpired, with a {@code jti} this server has not seen before.
 * The keys are those registered for the EHR; a {@code jku} header is not followed.
 */
final class EhrTokens implements AuthenticationManagerResolver<HttpServletRequest> {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES384, JWSAlgorithm.RS384);
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    private record Registration(String tenant, String issuer) {}

    private final Map<Registration, NimbusJwtDecoder> decoders = new HashMap<>();
    private final Function<HttpServletRequest, String> serviceUrl;
    private final Clock clock;

    /** The tokens used, on any instance: a token is used once. */
    private final UsedTokens used;

    EhrTokens(
            CdsHooksSettings settings, Function<HttpServletRequest, String> serviceUrl, UsedTokens used, Clock clock) {
        this.serviceUrl = serviceUrl;
        this.used = used;
        this.clock = clock;
        for (CdsHooksSettings.Ehr ehr : settings.ehrs().values()) {
            decoders.put(new Registration(ehr.tenant(), ehr.issuer()), decoder(ehr, settings.clockSkew()));
        }
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        String tenant = CdsHooksPaths.tenantOf(request.getRequestURI());
        String audience = serviceUrl.apply(request);
        return authentication -> authenticate((BearerTokenAuthenticationToken) authentication, tenant, audience);
    }

    private Authentication authenticate(BearerTokenAuthenticationToken bearer, String tenant, String audience) {
        NimbusJwtDecoder decoder = decoders.get(new Registration(tenant, unverifiedIssuer(bearer.getToken())));
        if (decoder == null) {
            throw new InvalidBearerTokenException("The token's issuer is not an EHR registered for this hospital");
        }
        Jwt jwt;
        try {
            jwt = decoder.decode(bearer.getToken());
        } catch (JwtException refused) {
            throw new InvalidBearerTokenException(refused.getMessage(), refused);
        }
        if (jwt.getAudience() == null || !jwt.getAudience().contains(audience)) {
            throw new InvalidBearerTokenException("The token's aud is not this service's URL, " + audience);
        }
        if (!used.firstUse(jwt.getClaimAsString("iss"), jwt.getId(), jwt.getExpiresAt())) {
            throw new InvalidBearerTokenException("The token was used before: each call needs a new jti");
        }
        return new EhrAuthentication(tenant, jwt);
    }

    private static String unverifiedIssuer(String token) {
        try {
            if (JWTParser.parse(token) instanceof SignedJWT signed) {
                return signed.getJWTClaimsSet().getIssuer();
            }
        } catch (ParseException notAJwt) {
            // answered below
        }
        throw new InvalidBearerTokenException("The token is not a signed JWT");
    }

    private NimbusJwtDecoder decoder(CdsHooksSettings.Ehr ehr, Duration skew) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(ehr)));
        processor.setJWTClaimsSetVerifier((claims, context) -> {
            // Spring fills a missing iat in from exp: it is looked for here, the rest below with the clock skew.
            if (claims.getIssueTime() == null) {
                throw new BadJWTException("The token needs iat, exp and jti");
            }
        });
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        JwtTimestampValidator timestamps = new JwtTimestampValidator(skew);
        timestamps.setClock(clock);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                timestamps, new JwtIssuerValidator(ehr.issuer()), token -> shortLivedWithId(token, skew)));
        return decoder;
    }

    /** CDS Hooks asks for iat, exp and jti, and for an expiry at most five minutes away. */
    private OAuth2TokenValidatorResult shortLivedWithId(Jwt token, Duration skew) {
        if (token.getExpiresAt() == null
                || token.getId() == null
                || token.getId().isBlank()) {
            return OAuth2TokenValidatorResult.failure(
                    new OAuth2Error("invalid_token", "The token needs iat, exp and jti", null));
        }
        if (token.getId().length() > UsedTokens.MAX_ID_LENGTH) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(
                    "invalid_token",
                    "The token's jti is longer than " + UsedTokens.MAX_ID_LENGTH + " characters",
                    null));
        }
        if (token.getExpiresAt().isAfter(clock.instant().plus(MAX_LIFETIME).plus(skew))) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(
                    "invalid_token",
                    "The token expires more than " + MAX_LIFETIME.toMinutes() + " minutes from now",
                    null));
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static JWKSource<SecurityContext> keys(CdsHooksSettings.Ehr ehr) {
        if (ehr.jwksUrl() != null) {
            try {
                return JWKSourceBuilder.create(ehr.jwksUrl().toURL()).build();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("The jwks-url of CDS Hooks EHR " + ehr.issuer() + " is no URL", e);
            }
        }
        try {
            return new ImmutableJWKSet<>(JWKSet.parse(ehr.jwks()));
        } catch (ParseException e) {
            throw new IllegalArgumentException("The jwks of CDS Hooks EHR " + ehr.issuer() + " is no JWK Set", e);
        }
    }

    /** A caller authenticated as a hospital's registered EHR. */
    static final class EhrAuthentication extends AbstractAuthenticationToken {
        private final String tenant;
        private final Jwt token;

        EhrAuthentication(String tenant, Jwt token) {
            super(List.of());
            this.tenant = tenant;
            this.token = token;
            setAuthenticated(true);
        }

        String tenant() {
            return tenant;
        }

        @Override
        public Object getCredentials() {
            return token;
        }

        @Override
        public Object getPrincipal() {
            return token.getClaimAsString("iss");
        }
    }
}
