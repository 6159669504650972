import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes N synthetic 640 x 480 JPEG "photos" (gradients, shapes, noise; each different) into a folder, for the
 * benchmarks that index a folder: java bench/MakePhotos.java OUT_DIR N
 */
public class MakePhotos {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(out);
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(0x1000000)), 640, 480, new Color(r.nextInt(0x1000000))));
            g.fillRect(0, 0, 640, 480);
            for (int s = 0; s < 12; s++) {
                g.setColor(new Color(r.nextInt(0x1000000)));
                g.fillOval(r.nextInt(600), r.nextInt(440), 20 + r.nextInt(200), 20 + r.nextInt(200));
            }
            g.dispose();
            for (int y = 0; y < 480; y++)
                for (int x = 0; x < 640; x++) if (r.nextInt(8) == 0) img.setRGB(x, y, img.getRGB(x, y) ^ r.nextInt(0x101010));
            ImageIO.write(img, "jpg", new File(out.toFile(), String.format("photo_%03d.jpg", i)));
        }
    }
}
