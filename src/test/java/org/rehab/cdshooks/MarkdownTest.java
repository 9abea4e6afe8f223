package org.rehab.cdshooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTest {

    @Test
    void aLinkFromARecordIsShownAsTextNotFollowed() {
        assertThat(Markdown.text("Pain [see](javascript:alert(1))"))
                .isEqualTo("Pain \\[see\\]\\(javascript\\:alert\\(1\\)\\)");
    }

    @Test
    void htmlFromARecordIsShownAsText() {
        assertThat(Markdown.text("<img src=x onerror=alert(1)>")).isEqualTo("\\<img src\\=x onerror\\=alert\\(1\\)\\>");
    }

    @Test
    void aLineBreakCannotStartAHeadingOrAList() {
        assertThat(Markdown.text("knee\n# Heading\n- item")).isEqualTo("knee \\# Heading \\- item");
    }

    @Test
    void plainWordsAndNumbersStayAsTheyAre() {
        assertThat(Markdown.text("BMI 31 kg/m2 on 2026")).isEqualTo("BMI 31 kg/m2 on 2026");
    }
}
