/* Writes the JPEGs Pillow cannot, with libjpeg-turbo: 4 channels from raw CMYK bytes as Adobe software does (the
 * APP14 "Adobe" marker, inverted samples, the YCCK transform 2 or none), or 3 channels stored as RGB (an Adobe marker
 * with transform 0 and no JFIF marker).
 *   cc -O2 -o cmyk_jpeg cmyk_jpeg.c -ljpeg
 *   cmyk_jpeg WIDTH HEIGHT ycck|cmyk|rgb QUALITY H_SAMP V_SAMP < pixels > out.jpg   (rows of C,M,Y,K or R,G,B bytes) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: cmyk_jpeg W H ycck|cmyk QUALITY H V < cmyk > jpg\n"); return 2; }
    int w = atoi(argv[1]), h = atoi(argv[2]), q = atoi(argv[4]), hs = atoi(argv[5]), vs = atoi(argv[6]);
    int rgb = strcmp(argv[3], "rgb") == 0, channels = rgb ? 3 : 4;
    size_t n = (size_t) w * h * channels;
    unsigned char *px = malloc(n);
    if (fread(px, 1, n, stdin) != n) { fprintf(stderr, "short input\n"); return 1; }
    if (!rgb) for (size_t i = 0; i < n; i++) px[i] = 255 - px[i];   /* Adobe stores CMYK inverted */
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, stdout);
    c.image_width = w;
    c.image_height = h;
    c.input_components = channels;
    c.in_color_space = rgb ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&c);
    /* each writes the Adobe marker (transform 0, or 2 for YCCK) and no JFIF marker */
    jpeg_set_colorspace(&c, rgb ? JCS_RGB : strcmp(argv[3], "ycck") == 0 ? JCS_YCCK : JCS_CMYK);
    jpeg_set_quality(&c, q, TRUE);
    c.comp_info[0].h_samp_factor = hs;   /* Y (or C); the others stay 1x1, K too */
    c.comp_info[0].v_samp_factor = vs;
    if (!rgb) {
        c.comp_info[3].h_samp_factor = hs;   /* K at full resolution, as Photoshop writes it */
        c.comp_info[3].v_samp_factor = vs;
    }
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = px + (size_t) c.next_scanline * w * channels;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return 0;
}
