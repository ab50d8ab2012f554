package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskingTest {

    @Test
    void a_password_in_the_user_info_of_a_jdbc_url_is_masked() {
        assertThat(Masking.mask("jdbc:mariadb://root:s3cret@127.0.0.1:3306/test"))
                .isEqualTo("jdbc:mariadb://root:***@127.0.0.1:3306/test");
    }

    @Test
    void a_password_parameter_is_masked_whatever_its_case_and_position() {
        assertThat(Masking.mask("jdbc:mariadb://127.0.0.1:3306/test?user=root&password=s3cret&useBulkStmts=true"))
                .isEqualTo("jdbc:mariadb://127.0.0.1:3306/test?user=root&password=***&useBulkStmts=true");
        assertThat(Masking.mask("jdbc:postgresql://h/db?PASSWORD=s3cret"))
                .isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
        assertThat(Masking.mask("jdbc:h2:mem:x;USER=sa;password=s3cret")).isEqualTo("jdbc:h2:mem:x;USER=sa;password=***");
    }

    @Test
    void redis_passwords_are_masked_with_and_without_a_user() {
        assertThat(Masking.mask("redis://:s3cret@127.0.0.1:6379")).isEqualTo("redis://:***@127.0.0.1:6379");
        assertThat(Masking.mask("rediss://app:s3cret@cache:6380/2")).isEqualTo("rediss://app:***@cache:6380/2");
    }

    @Test
    void a_url_without_a_secret_is_unchanged() {
        assertThat(Masking.mask("jdbc:mariadb://127.0.0.1:3306/test?user=root"))
                .isEqualTo("jdbc:mariadb://127.0.0.1:3306/test?user=root");
        assertThat(Masking.mask("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
        assertThat(Masking.mask(null)).isNull();
    }

    @Test
    void scrub_removes_the_password_wherever_a_message_quotes_it() {
        String url = "jdbc:mariadb://root:s3cret@db:3306/test";

        String scrubbed = Masking.scrub("Access denied connecting to " + url + " (password s3cret rejected)", url);

        assertThat(scrubbed).doesNotContain("s3cret").contains("jdbc:mariadb://root:***@db:3306/test");
    }
}
