import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { svgDataUrl } from '../../../shared/charts';

/**
 * A QR code of a link, for phones in the room to scan off the projector. The
 * `qrcode` package draws it as SVG (no canvas), shown as an image: dark
 * modules on white, error correction M (the usual choice for a screen, which
 * a projector's blur and glare still read) and the standard quiet zone of
 * four modules, so a phone finds it against whatever surrounds it. The alt
 * text names the link, so a screen reader says where the code goes.
 */
export function QrCode({ link, className }: { link: string; className?: string }) {
  const [svg, setSvg] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }).then(
      (drawn) => {
        if (!cancelled) setSvg(drawn);
      },
      () => {
        // A link too long for a QR code cannot happen with Retain's links; the code on screen still lets people in.
        if (!cancelled) setSvg(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [link]);

  if (!svg) return null;
  return <img className={className} src={svgDataUrl(svg)} alt={`QR code for ${link}`} />;
}
