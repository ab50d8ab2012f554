package io.modularddd.benchmarks.cli;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Checks a headless-browser screenshot of the HTML report: that it is not blank, and that every chart drew —
 * each chart is a white panel holding coloured strokes or bars, so the check looks for pixels of the charts'
 * series colours ({@link SvgCharts#COLORS}) and counts, band by band down the page, how many there are. Used by
 * {@code benchmarks/check-html-report.sh}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.cli.ScreenshotCheck report.png 4
 * </pre>
 * Exit 0 when at least the expected number of bands holding chart colours are found, 1 otherwise (with what was
 * seen).
 */
public final class ScreenshotCheck {

    private static final int TOLERANCE = 24;
    private static final int MIN_PIXELS_PER_CHART = 400;
    /** Rows without chart colour that end a band: more than inside a chart, less than between two. */
    private static final int GAP = 100;

    private ScreenshotCheck() {
    }

    /**
     * Checks a screenshot.
     *
     * @param args the PNG file, and the number of charts expected
     * @throws IOException when the file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ScreenshotCheck <screenshot.png> <charts expected>");
            System.exit(2);
        }
        BufferedImage image = ImageIO.read(new File(args[0]));
        if (image == null) {
            System.err.println(args[0] + " is not an image");
            System.exit(1);
        }
        int expected = Integer.parseInt(args[1]);
        Result r = check(image);
        System.out.printf(Locale.ROOT, "%s: %dx%d, %.1f%% non-white, %d chart-coloured pixels in %d chart bands %s%n",
                args[0], image.getWidth(), image.getHeight(), r.nonWhitePercent, r.chartPixels, r.bands,
                r.bandRows);
        if (r.bands < expected || r.nonWhitePercent < 1) {
            System.err.println("the charts did not draw: expected " + expected + " chart bands, found " + r.bands);
            System.exit(1);
        }
    }

    /** What a screenshot holds. */
    record Result(double nonWhitePercent, long chartPixels, int bands, String bandRows) {
    }

    /**
     * Counts non-white pixels and the bands of rows (separated by more than {@value #GAP} rows without any)
     * holding at least {@value #MIN_PIXELS_PER_CHART} pixels of a chart colour.
     *
     * @param image the screenshot
     * @return what it holds
     */
    static Result check(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        long nonWhite = 0;
        long chart = 0;
        int[] perRow = new int[h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) {
                    nonWhite++;
                }
                if (chartColour(rgb)) {
                    chart++;
                    perRow[y]++;
                }
            }
        }
        int bands = 0;
        StringBuilder rows = new StringBuilder();
        int start = -1;
        int gap = 0;
        long inBand = 0;
        for (int y = 0; y <= h; y++) {
            int n = y < h ? perRow[y] : 0;
            if (n > 0) {
                if (start < 0) {
                    start = y;
                    inBand = 0;
                }
                gap = 0;
                inBand += n;
            } else if (start >= 0 && (++gap > GAP || y == h)) {
                if (inBand >= MIN_PIXELS_PER_CHART) {
                    bands++;
                    rows.append('[').append(start).append('-').append(y - gap).append(": ").append(inBand).append(']');
                }
                start = -1;
            }
        }
        return new Result(100.0 * nonWhite / ((long) w * h), chart, bands, rows.toString());
    }

    private static boolean chartColour(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        for (String colour : SvgCharts.COLORS) {
            int c = Integer.parseInt(colour.substring(1), 16);
            if (Math.abs(r - ((c >> 16) & 0xFF)) <= TOLERANCE && Math.abs(g - ((c >> 8) & 0xFF)) <= TOLERANCE
                    && Math.abs(b - (c & 0xFF)) <= TOLERANCE) {
                return true;
            }
        }
        return false;
    }
}
