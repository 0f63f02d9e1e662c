import { imageSize } from 'image-size';
import type { ImageInspector } from '../use-cases/ports.ts';

// image-size names formats by extension; the allowed ones get their media type, any other
// format (bmp, svg, tiff...) a name no declared type can equal.
const MEDIA_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** The image's format and dimensions from its header bytes (image-size), or undefined when they are no image it knows. */
export function createImageSizeInspector(): ImageInspector {
  return {
    inspect(bytes) {
      let size: ReturnType<typeof imageSize>;
      try {
        size = imageSize(bytes);
      } catch {
        // image-size throws on bytes that are no image it knows: that is the answer, not a failure.
        return undefined;
      }
      if (size.type === undefined) return undefined;
      return { contentType: MEDIA_TYPES[size.type] ?? `unsupported/${size.type}`, width: size.width, height: size.height };
    },
  };
}
