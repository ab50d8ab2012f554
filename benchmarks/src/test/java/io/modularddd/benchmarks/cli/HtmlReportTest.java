package io.modularddd.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML report's structure, without a browser: self-contained, the expected charts and series, true numbers. */
class HtmlReportTest {

    private static String svg(String html, String id) {
        Matcher m = Pattern.compile("<svg[^>]*id=\"" + Pattern.quote(id) + "\".*?</svg>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("svg #" + id).isTrue();
        return m.group();
    }

    private static List<String> all(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void the_report_fetches_nothing() throws Exception {
        String html = HtmlReport.render(Reports.of("--type", "event", "--operations", "200"));

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(all(html, "(?i)(?:src|href)\\s*=\\s*[\"']?([^\"'\\s>]*)")).allSatisfy(url ->
                assertThat(url).doesNotStartWithIgnoringCase("http").doesNotStartWith("//"));
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
    }

    @Test
    void each_chart_has_a_series_per_part_or_profile_with_the_measured_values() throws Exception {
        // given
        Report report = Reports.of("--type", "event", "--operations", "400", "--compare", "startup,growth,scale");

        // when
        String html = HtmlReport.render(report);

        // then the percentile chart of each profile has one line per part, its dots at the recorded percentiles
        for (Report.ProfileRun run : report.runs()) {
            String chart = svg(html, "percentiles-" + run.profile());
            assertThat(all(chart, "<g class=\"series\" data-series=\"([^\"]+)\"")).containsExactly("append", "read");
            LatencyStats read = run.types().get(0).parts().get(1);
            String readSeries = chart.substring(chart.indexOf("data-series=\"read\""));
            List<String> values = all(readSeries, "<circle[^>]*data-value=\"([^\"]+)\"");
            List<String> expected = read.chartPercentiles().values().stream()
                    .map(ns -> SvgCharts.value(LatencyStats.ms(ns))).toList();
            assertThat(values).containsExactlyElementsOf(expected);
            assertThat(all(chart, "points=\"([^\"]+)\"")).allSatisfy(p -> assertThat(p.split(" ")).hasSize(7));
        }

        // and the throughput chart has a bar series per profile, with each part's ops/s
        String throughput = svg(html, "throughput");
        assertThat(all(throughput, "<g class=\"series\" data-series=\"([^\"]+)\""))
                .containsExactly("startup", "growth", "scale");
        for (Report.ProfileRun run : report.runs()) {
            String series = throughput.substring(throughput.indexOf("data-series=\"" + run.profile() + "\""));
            series = series.substring(0, series.indexOf("</g>"));
            TypeResult t = run.types().get(0);
            assertThat(all(series, "data-value=\"([^\"]+)\"")).containsExactly(
                    SvgCharts.value(t.parts().get(0).opsPerSecond()), SvgCharts.value(t.parts().get(1).opsPerSecond()),
                    SvgCharts.value(t.all().opsPerSecond()));
        }

        // and each histogram's shares add up to 100% per part
        for (Report.ProfileRun run : report.runs()) {
            String chart = svg(html, "histogram-" + run.profile());
            for (String part : List.of("append", "read")) {
                String series = chart.substring(chart.indexOf("data-series=\"" + part + "\""));
                series = series.substring(0, series.indexOf("</g>"));
                double sum = all(series, "data-value=\"([^\"]+)\"").stream().mapToDouble(Double::parseDouble).sum();
                assertThat(sum).as(run.profile() + " " + part).isBetween(99.99, 100.01);
            }
        }
    }

    @Test
    void the_tables_print_the_same_numbers_as_the_text_output() throws Exception {
        Report report = Reports.of("--type", "event", "--operations", "200");

        String html = HtmlReport.render(report);

        LatencyStats append = report.runs().get(0).types().get(0).parts().get(0);
        assertThat(html).contains("<tr data-part=\"append\"><td>append</td><td>100</td><td>"
                + ResultTable.ms(append.totalNanos()) + "</td><td>" + ResultTable.ms(append.avgNanos()) + "</td>");
        assertThat(html).contains("<td>" + ResultTable.opsPerSecond(append.opsPerSecond()) + "</td></tr>");
        assertThat(html).contains("Projection lag (async, append commit to read model)")
                .contains("3 events behind when the run ended");
        assertThat(html).contains("embedded H2 (in memory)");
    }

    @Test
    void text_in_the_report_is_escaped() {
        assertThat(Html.escape("<a href=\"x\">&'")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
