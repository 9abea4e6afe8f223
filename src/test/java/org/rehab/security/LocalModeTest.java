package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class LocalModeTest {

    @Test
    void refusesToServeANetworkWithoutSecurity() {
        assertThatThrownBy(() -> LoopbackOnly.require("0.0.0.0")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> LoopbackOnly.require("")).hasMessageContaining("loopback");
    }

    @Test
    void marksEveryResponseOnLoopback() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        LoopbackOnly.require("127.0.0.1");
        new LocalMode().doFilter(new MockHttpServletRequest(), response, new MockFilterChain());

        assertThat(response.getHeader(LocalMode.HEADER)).startsWith("off");
    }
}
