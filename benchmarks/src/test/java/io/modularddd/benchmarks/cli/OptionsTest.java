package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Nested
    class Defaults {

        @Test
        void no_arguments_run_the_mixed_workload_of_the_seed_on_the_embedded_default() {
            Options o = Options.parse();

            assertThat(o.operations()).isEqualTo(1000);
            assertThat(o.type()).isEqualTo(Options.Type.MIXED);
            assertThat(o.profileNames()).containsExactly("growth");
            assertThat(o.jdbcUrl()).isEmpty();
            assertThat(o.redisUrl()).isEmpty();
            assertThat(o.concurrency()).isEqualTo(1);
            assertThat(o.warmup()).isEqualTo(200);
            assertThat(o.json()).isEmpty();
            assertThat(o.html()).isEmpty();
            assertThat(o.help()).isFalse();
        }

        @Test
        void warmup_defaults_to_a_fifth_of_the_operations_at_most_2000() {
            assertThat(Options.parse("--operations", "50000").warmup()).isEqualTo(2000);
            assertThat(Options.parse("--operations", "10").warmup()).isEqualTo(2);
        }
    }

    @Test
    void every_option_is_read_with_a_separate_value_or_after_an_equals_sign() {
        Options o = Options.parse("--operations", "2_000", "--type=query", "--profile", "SCALE",
                "--jdbc-url", "jdbc:mariadb://127.0.0.1:3306/test?user=root", "--redis=redis://127.0.0.1:6379",
                "--concurrency", "4", "--warmup", "0", "--json", "out/r.json", "--html=out/r.html");

        assertThat(o.operations()).isEqualTo(2000);
        assertThat(o.type()).isEqualTo(Options.Type.QUERY);
        assertThat(o.profileNames()).containsExactly("scale");
        assertThat(o.jdbcUrl()).contains("jdbc:mariadb://127.0.0.1:3306/test?user=root");
        assertThat(o.redisUrl()).contains("redis://127.0.0.1:6379");
        assertThat(o.concurrency()).isEqualTo(4);
        assertThat(o.warmup()).isZero();
        assertThat(o.json()).contains(Path.of("out/r.json"));
        assertThat(o.html()).contains(Path.of("out/r.html"));
    }

    @Test
    void compare_lists_the_profiles_in_the_order_given() {
        Options o = Options.parse("--compare", "startup,growth,scale,enterprise");

        assertThat(o.profileNames()).containsExactly("startup", "growth", "scale", "enterprise");
        assertThat(o.comparing()).isTrue();
    }

    @Test
    void help_is_read_with_anything_else() {
        assertThat(Options.parse("--help").help()).isTrue();
        assertThat(Options.parse("--operations", "5", "--help").help()).isTrue();
    }

    @Nested
    class BadInput {

        @Test
        void an_unknown_option_names_itself_and_the_valid_ones() {
            assertThatThrownBy(() -> Options.parse("--operation", "5"))
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("unknown option '--operation'")
                    .hasMessageContaining("--operations");
        }

        @Test
        void a_missing_value_is_named() {
            assertThatThrownBy(() -> Options.parse("--operations"))
                    .isInstanceOf(UsageException.class).hasMessage("--operations needs a value");
            assertThatThrownBy(() -> Options.parse("--jdbc-url", "--redis", "redis://h"))
                    .isInstanceOf(UsageException.class).hasMessage("--jdbc-url needs a value");
        }

        @Test
        void numbers_out_of_range_or_not_numbers_say_the_range() {
            assertThatThrownBy(() -> Options.parse("--operations", "0"))
                    .hasMessage("--operations must be from 1 to 100000000 but was 0");
            assertThatThrownBy(() -> Options.parse("--operations", "many"))
                    .hasMessage("--operations must be a whole number from 1 to 100000000 but was 'many'");
            assertThatThrownBy(() -> Options.parse("--concurrency", "1000"))
                    .hasMessage("--concurrency must be from 1 to 512 but was 1000");
            assertThatThrownBy(() -> Options.parse("--warmup", "-1"))
                    .hasMessage("--warmup must be from 0 to 100000000 but was -1");
        }

        @Test
        void a_bad_type_or_profile_lists_the_valid_ones() {
            assertThatThrownBy(() -> Options.parse("--type", "load"))
                    .hasMessage("--type must be one of command, query, event, mixed but was 'load'");
            assertThatThrownBy(() -> Options.parse("--profile", "huge"))
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("unknown profile 'huge'")
                    .hasMessageContaining("startup, growth, scale, enterprise");
        }

        @Test
        void compare_refuses_empty_entries_repeats_unknown_names_and_a_profile_beside_it() {
            assertThatThrownBy(() -> Options.parse("--compare", "startup,,scale"))
                    .hasMessageContaining("no empty entry");
            assertThatThrownBy(() -> Options.parse("--compare", "scale,SCALE"))
                    .hasMessage("--compare names scale twice in 'scale,SCALE'");
            assertThatThrownBy(() -> Options.parse("--compare", "startup,mega"))
                    .hasMessageContaining("unknown profile 'mega'");
            assertThatThrownBy(() -> Options.parse("--profile", "growth", "--compare", "startup,scale"))
                    .hasMessageContaining("cannot be combined with --compare");
        }

        @Test
        void urls_of_the_wrong_kind_are_refused_with_their_password_masked() {
            assertThatThrownBy(() -> Options.parse("--jdbc-url", "mariadb://root:s3cret@h/db"))
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("--jdbc-url must be a JDBC URL")
                    .hasMessageContaining("mariadb://root:***@h/db")
                    .hasMessageNotContaining("s3cret");
            assertThatThrownBy(() -> Options.parse("--redis", "http://:s3cret@h:6379"))
                    .hasMessageContaining("--redis must be a Redis URL")
                    .hasMessageNotContaining("s3cret");
        }

        @Test
        void an_option_given_twice_or_a_stray_argument_is_refused() {
            assertThatThrownBy(() -> Options.parse("--type", "query", "--type=event"))
                    .hasMessage("--type is given twice; give it once");
            assertThatThrownBy(() -> Options.parse("2000"))
                    .hasMessageContaining("unexpected argument '2000'");
        }

        @Test
        void the_same_file_for_json_and_html_is_refused() {
            assertThatThrownBy(() -> Options.parse("--json", "r.out", "--html", "./r.out"))
                    .hasMessageContaining("give them different files");
        }
    }
}
