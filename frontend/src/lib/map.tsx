// The map: Leaflet with the municipality's outline and districts as the
// base layer (GET /api/v1/municipalities/{code}/areas, GeoJSON), because no tiles can be
// fetched where dichtbij runs by default. A tile URL set at build time
// (VITE_TILE_URL) adds a basemap where one is deployed.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { get, loadMunicipalities, type LatLon } from './api';

const NL: L.LatLngBoundsExpression = [[50.75, 3.36], [53.55, 7.23]];

/**
 * A basemap, when the build sets one: VITE_TILE_URL (e.g.
 * https://tiles.example.nl/{z}/{x}/{y}.png) and VITE_TILE_ATTRIBUTION.
 * The server's CSP (img-src 'self') and COEP must then allow that origin.
 */
const TILE_URL: string = import.meta.env.VITE_TILE_URL ?? '';
const TILE_ATTRIBUTION: string = import.meta.env.VITE_TILE_ATTRIBUTION ?? '';

const areaCache = new Map<string, Promise<GeoJSON.FeatureCollection | null>>();
function loadAreas(code: string): Promise<GeoJSON.FeatureCollection | null> {
  let p = areaCache.get(code);
  if (!p) {
    p = get<GeoJSON.FeatureCollection>(`/api/v1/municipalities/${encodeURIComponent(code)}/areas`).catch(() => null);
    areaCache.set(code, p);
  }
  return p;
}

function isMunicipality(f: GeoJSON.Feature | undefined): boolean {
  return (f?.properties as { kind?: string } | null)?.kind === 'municipality';
}

/**
 * The base both maps share: Leaflet fitted to the country, a click reported
 * as a point (rounded to about a metre), the basemap when the build sets
 * one, and the municipality's outline and districts once loaded (else its
 * centre). keepView says whether the page placed the view itself, so that
 * the outline must not move it; ready is called once the base is drawn.
 */
function baseMap(
  el: HTMLElement,
  municipality: string | undefined,
  opts: { canvas?: boolean; pick: { current?: (p: LatLon) => void }; keepView: () => boolean; ready: () => void },
): { map: L.Map; group: L.LayerGroup; remove: () => void } {
  const m = L.map(el, { zoomSnap: 0.5, keyboard: true, preferCanvas: !!opts.canvas });
  m.fitBounds(NL);
  m.attributionControl.setPrefix('Leaflet');
  const group = L.layerGroup().addTo(m);
  m.on('click', (e: L.LeafletMouseEvent) => {
    opts.pick.current?.({ lat: Math.round(e.latlng.lat * 1e5) / 1e5, lon: Math.round(e.latlng.lng * 1e5) / 1e5 });
  });
  if (TILE_URL) L.tileLayer(TILE_URL, { attribution: TILE_ATTRIBUTION, maxZoom: 19, crossOrigin: true }).addTo(m);
  let gone = false;
  Promise.all([municipality ? loadAreas(municipality) : Promise.resolve(null), loadMunicipalities().catch(() => [])]).then(([fc, all]) => {
    if (gone) return;
    const centre = all.find((x) => x.code === municipality)?.centre;
    if (!fc && centre && !opts.keepView()) m.setView([centre[1], centre[0]], 12);
    if (fc) {
      const layer = L.geoJSON(fc, {
        interactive: false,
        style: (f) =>
          isMunicipality(f)
            ? { color: '#1d3f72', weight: 3, fill: true, fillColor: '#eef3fa', fillOpacity: 0.6 }
            : { color: '#5a6f8f', weight: 1, dashArray: '4 3', fill: false },
      }).addTo(m);
      layer.bringToBack();
      if (!opts.keepView()) m.fitBounds(layer.getBounds());
    }
    m.attributionControl.addAttribution('Grenzen: CBS / Kadaster (CC-BY 4.0)');
    opts.ready();
  });
  return {
    map: m,
    group,
    remove: () => {
      gone = true;
      m.remove();
    },
  };
}

export interface MapProps {
  municipality?: string;
  /** The point to show, with a circle of radius metres around it. */
  point: LatLon | null;
  radius?: number;
  onPick?: (p: LatLon) => void;
  label: string;
  /** Called once the map has drawn its base layer (for tests and timing). */
  onReady?: () => void;
}

export function AreaMap({ municipality, point, radius, onPick, label, onReady }: MapProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marks = useRef<L.LayerGroup | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const b = baseMap(el.current!, municipality, { pick, keepView: () => !!point, ready: () => onReady?.() });
    map.current = b.map;
    marks.current = b.group;
    return b.remove;
  }, [municipality]);

  useEffect(() => {
    const m = map.current;
    const g = marks.current;
    if (!m || !g) return;
    g.clearLayers();
    if (!point) return;
    const ll = L.latLng(point.lat, point.lon);
    if (radius) {
      const c = L.circle(ll, { radius, color: '#0b5394', weight: 2, fillOpacity: 0.12, interactive: false }).addTo(g);
      m.fitBounds(c.getBounds(), { padding: [20, 20], maxZoom: 16 });
    }
    L.circleMarker(ll, { radius: 7, color: '#ffffff', weight: 2, fillColor: '#b3261e', fillOpacity: 1, interactive: false }).addTo(g);
  }, [point?.lat, point?.lon, radius]);

  return <div class="map" ref={el} role="region" aria-label={label} />;
}

export interface LayerMapProps {
  municipality?: string;
  label: string;
  onPick?: (p: LatLon) => void;
  /**
   * Draws the page's layers into g (cleared before each call) when deps
   * change; returns true when it set the view itself, so that the
   * municipality's outline does not move it afterwards.
   */
  draw: (g: L.LayerGroup, m: L.Map) => boolean | void;
  deps: unknown[];
  /** Called after each draw, once the browser painted it (for timing). */
  onDrawn?: () => void;
  tall?: boolean;
}

/** Leaflet with the municipality as its base layer and the page's own layers on top (canvas: many markers draw fast). */
export function LayerMap({ municipality, label, onPick, draw, deps, onDrawn, tall }: LayerMapProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const group = useRef<L.LayerGroup | null>(null);
  const placed = useRef(false);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const b = baseMap(el.current!, municipality, {
      canvas: true, pick, keepView: () => placed.current, ready: () => el.current?.setAttribute('data-ready', 'true'),
    });
    map.current = b.map;
    group.current = b.group;
    return b.remove;
  }, [municipality]);

  useEffect(() => {
    const m = map.current;
    const g = group.current;
    if (!m || !g) return;
    g.clearLayers();
    if (draw(g, m)) placed.current = true;
    // after the frame that shows the layers was painted
    if (onDrawn) requestAnimationFrame(() => setTimeout(onDrawn, 0));
  }, deps);

  return <div class={tall ? 'map map--tall' : 'map'} ref={el} role="region" aria-label={label} />;
}

/** A point's marker: a round dot with a white edge. */
export function dot(p: LatLon, colour: string, size = 7): L.CircleMarker {
  return L.circleMarker([p.lat, p.lon], { radius: size, color: '#ffffff', weight: 2, fillColor: colour, fillOpacity: 1 });
}
