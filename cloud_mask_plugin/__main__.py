"""Command line: ``python -m cloud_mask_plugin mask|batch|bands|device ...``, installed by
pip as ``cloud-mask``.

Runs the same engine call as the QGIS plugin without QGIS. Problems end the program with
exit code 2 and one ``error: ...`` line on stderr; Ctrl-C cancels cleanly with exit code 130.
"""
import argparse
import os
import signal
import sys

from .core.errors import Cancelled, CloudMaskError

EXIT_ERROR = 2
EXIT_CANCELLED = 130


def main(argv=None, prog="python -m cloud_mask_plugin"):
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except Cancelled as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        print("\nerror: interrupted", file=sys.stderr)
        return EXIT_CANCELLED
    except CloudMaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ModuleNotFoundError as exc:
        if exc.name != "osgeo" or args.debug:
            raise
        print("error: GDAL's Python bindings (osgeo) are not installed in this Python; install them with the "
              "system's GDAL (Debian/Ubuntu: apt install python3-gdal, and a venv made with "
              "--system-site-packages; conda: gdal; Windows: OSGeo4W)", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a one-line message instead of a traceback
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {one_line(exc)} (run with --debug for details)",
              file=sys.stderr)
        return EXIT_ERROR


class OneLineErrorParser(argparse.ArgumentParser):
    """Usage mistakes end like every other error: one ``error:`` line and exit code 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"error: {message} (see '{self.prog} --help')\n")


def console_main():
    """The ``cloud-mask`` command that ``pip install`` puts on the PATH."""
    sys.exit(main(prog="cloud-mask"))


def build_parser(prog="python -m cloud_mask_plugin"):
    parser = OneLineErrorParser(
        prog=prog,
        description="Mask clouds in satellite rasters with a coarse/fine CNN cascade.")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of unexpected errors")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    mask = commands.add_parser("mask", help="write the cloud mask and other products of each input",
                               description="Write <name>_cloudmask.tif (0 clear, 1 cloud, 255 no data) and, "
                                           "unless switched off, <name>_cloudprob.tif, <name>_coarsegrid.tif, "
                                           "<name>_clouds.gpkg and <name>_report.json for each input.")
    mask.add_argument("inputs", nargs="+", metavar="INPUT",
                      help="raster files, folders of band files (a Landsat or Sentinel-2 product) or Landsat MTL files")
    mask.add_argument("--output-dir", "-o", required=True, metavar="DIR", help="folder for the outputs (created if missing)")
    add_mask_options(mask)
    mask.add_argument("--overwrite", action="store_true", help="replace outputs that already exist")
    mask.set_defaults(command=run_mask)
    add_batch_command(commands)

    bands = commands.add_parser("bands", help="show which raster band feeds which model input, and the scaling")
    bands.add_argument("input", metavar="INPUT", help="raster file, folder of band files or Landsat MTL file")
    add_reading_options(bands)
    bands.set_defaults(command=run_bands)

    device = commands.add_parser("device", help="show which device a run would use")
    device.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    device.set_defaults(command=run_device)
    return parser


def add_mask_options(parser):
    """What ``mask`` and ``batch`` share: how to read the inputs and which products to write."""
    add_reading_options(parser)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="where the model runs (default: auto)")
    parser.add_argument("--threshold", type=fraction, metavar="T",
                        help="cloud probability threshold between 0 and 1 (default: the model's)")
    parser.add_argument("--no-probability", action="store_true", help="do not write the cloud probability raster")
    parser.add_argument("--no-coarse-grid", action="store_true", help="do not write the coarse grid raster")
    parser.add_argument("--no-polygons", action="store_true", help="do not write cloud polygons")
    parser.add_argument("--min-area", type=non_negative, default=0.0, metavar="A",
                        help="drop cloud polygons smaller than A map units squared")
    parser.add_argument("--buffer", type=non_negative, default=0.0, metavar="D",
                        help="grow cloud polygons by D map units")
    parser.add_argument("--cog", action="store_true", help="write the mask as a Cloud Optimized GeoTIFF")


def add_batch_command(commands):
    batch = commands.add_parser(
        "batch", help="mask many scenes in parallel on Dask (this machine or a cluster), resumable",
        description="Mask every input into one folder as 'mask' does, scenes side by side on a Dask cluster: by "
                    "default worker processes on this machine. Writes batch_summary.csv and batch_footprints.gpkg "
                    "(a row per scene: status, cloud cover, seconds, model, error). Scenes done by an earlier run "
                    "with the same model and options are skipped; a failed scene is recorded and the rest go on. "
                    "Needs the 'batch' extra: pip install 'cloud-mask[batch]'.")
    batch.add_argument("inputs", nargs="*", metavar="INPUT",
                       help="raster files, folders of band files or Landsat MTL files, or glob patterns of them "
                            "(quoted, e.g. 'archive/*/*_MTL.txt')")
    batch.add_argument("--from-list", action="append", default=[], metavar="FILE",
                       help="a text file with one input or pattern per line ('#' starts a comment); may be repeated")
    batch.add_argument("--output-dir", "-o", required=True, metavar="DIR",
                       help="folder for every scene's outputs and the summary; on a cluster, a path all workers share")
    add_mask_options(batch)
    batch.add_argument("--force", action="store_true", help="mask scenes again even when done by an earlier run")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    batch.add_argument("--workers", type=positive_int, metavar="N",
                       help="worker processes of the local cluster (default: one per core)")
    batch.add_argument("--threads-per-scene", type=positive_int, metavar="N",
                       help="CPU threads each scene's models use (default: the cores split between the workers)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_area_options(batch)
    batch.set_defaults(command=run_batch)


def add_area_options(batch):
    areas = batch.add_argument_group(
        "areas of interest", "with --aoi, also the clear, cloud, shadow and no-data share of each area in each scene: "
                             "aoi_clear_fraction.csv and .gpkg (a row per area and scene, with date and sensor) and "
                             "aoi_clear_fraction.png (clear % over time per area)")
    areas.add_argument("--aoi", metavar="FILE", help="polygon layer of the areas (GeoPackage, Shapefile, GeoJSON...); "
                                                     "any CRS, reprojected to each scene's")
    areas.add_argument("--aoi-id", metavar="FIELD", help="field naming the areas (default: the feature id)")
    areas.add_argument("--min-clear", type=percent, metavar="N",
                       help="pick the scenes in which an area is at least N %% clear: listed in aoi_picked_scenes.txt "
                            "(usable with --from-list)")


def add_reading_options(parser):
    parser.add_argument("--bands", type=band_list, metavar="LIST",
                        help="one name per raster band, e.g. blue,green,red,nir ('-' skips a band)")
    parser.add_argument("--sensor", metavar="KEY", type=sensor_key, help="sensor preset: " + ", ".join(sensor_keys()))
    parser.add_argument("--scale", type=float, metavar="S", help="reflectance = DN x S + O")
    parser.add_argument("--offset", type=float, metavar="O", help="see --scale")
    parser.add_argument("--model", metavar="BUNDLE", help="model bundle folder (default: the bundled model)")
    parser.add_argument("--zeros-are-data", action="store_true",
                        help="for rasters without a no-data value: pixels that are 0 in every band the model reads "
                             "are data (by default they are no data)")


def band_list(text):
    from .core.bands import parse_band_list

    try:
        return parse_band_list(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def sensor_keys():
    from .core.bands import SENSORS

    return list(SENSORS)


def sensor_key(text):
    if text not in sensor_keys():
        raise argparse.ArgumentTypeError(f"unknown sensor '{text}'; use one of: {', '.join(sensor_keys())}")
    return text


def fraction(text):
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def percent(text):
    value = float(text)
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def non_negative(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def mask_options(args):
    from .core.api import MaskOptions

    return MaskOptions(
        bands=args.bands, sensor=args.sensor, scale=args.scale, offset=args.offset, model=args.model,
        device=getattr(args, "device", "auto"),
        threshold=getattr(args, "threshold", None),
        overwrite=getattr(args, "overwrite", False),
        min_polygon_area=getattr(args, "min_area", 0.0),
        polygon_buffer=getattr(args, "buffer", 0.0),
        cog=getattr(args, "cog", False),
        zero_is_nodata=not args.zeros_are_data,
    )


def run_mask(args):
    from .core.api import mask_file
    from .core.errors import OutputError

    options = mask_options(args)
    jobs = plan_outputs(args)
    try:
        os.makedirs(args.output_dir, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder '{args.output_dir}': {exc.strerror}") from None

    failed = 0
    with CancelOnInterrupt() as cancel:
        for input_path, outputs in jobs:
            progress = ProgressLine(os.path.basename(input_path))
            try:
                result = mask_file(input_path, outputs, options, progress=progress, is_cancelled=cancel.requested)
            except Cancelled:
                progress.end_line()
                raise
            except CloudMaskError as exc:
                # One bad file should not stop the others; the exit code still says it failed.
                progress.end_line()
                print(f"error: {exc}", file=sys.stderr)
                failed += 1
                continue
            progress.end_line()
            print_summary(input_path, result)
    return EXIT_ERROR if failed else 0


def plan_outputs(args):
    """(input, OutputPaths) for every input, refusing before anything runs when two inputs
    would write the same file."""
    from .batch.scenes import plan_outputs as plan

    return list(zip(args.inputs, plan(args.inputs, args.output_dir, **products(args))))


def products(args):
    return {"probability": not args.no_probability, "coarse_grid": not args.no_coarse_grid,
            "polygons": not args.no_polygons}


def run_batch(args):
    from .batch.run import run_batch as run

    result = run(args.inputs, args.output_dir, mask_options(args), list_files=args.from_list,
                 products=products(args), force=args.force, scheduler=args.scheduler, workers=args.workers,
                 threads_per_scene=args.threads_per_scene, progress=not args.no_progress, areas=area_request(args))
    counts = {status: result.count(status) for status in ("done", "skipped", "failed", "not run")}
    print(f"{len(result.rows)} scene(s): " + ", ".join(f"{n} {status}" for status, n in counts.items() if n))
    print(f"summary:    {result.summary}")
    print(f"footprints: {result.footprints}")
    if result.areas:
        print_area_outputs(result.areas)
    for row in result.rows:
        if row["status"] == "failed":
            print(f"error: {row['input']}: {row['error']}", file=sys.stderr)
    return EXIT_ERROR if counts["failed"] else 0


def area_request(args):
    """The areas of interest, read before any scene is masked so a bad file stops at once."""
    if args.min_clear is not None and not args.aoi:
        raise CloudMaskError("--min-clear picks scenes by the clear share of the areas of --aoi; give --aoi too")
    if args.aoi_id and not args.aoi:
        raise CloudMaskError("--aoi-id names the areas of --aoi; give --aoi too")
    if not args.aoi:
        return None
    from .batch.areas import AreaRequest
    from .core.areas import read_area_file

    return AreaRequest(read_area_file(args.aoi, args.aoi_id), args.min_clear)


def print_area_outputs(outputs):
    print(f"areas:      {outputs.table_csv} ({len(outputs.rows)} row(s)), {outputs.table_gpkg}")
    if outputs.chart:
        print(f"chart:      {outputs.chart}")
    else:
        print(f"warning: no chart: {outputs.chart_problem}", file=sys.stderr)
    if outputs.picked_list:
        print(f"picked:     {outputs.picked_list} ({len(outputs.picked)} scene(s))")


def print_summary(input_path, result):
    report = result.report
    nodata = report.get("nodata_percent", 0.0)
    print(f"{input_path}: {result.cloud_cover_percent:.2f}% cloud cover"
          + (f" of the pixels with data ({nodata:.1f}% no data)" if nodata else ""))
    for label, path in (("mask", result.outputs.mask), ("probability", result.outputs.probability),
                        ("coarse grid", result.outputs.coarse_grid), ("polygons", result.outputs.polygons),
                        ("report", result.outputs.report)):
        if path:
            print(f"  {label + ':':13} {path}")
    model = report.get("model") or {}
    if model:
        print(f"  {'model:':13} {model.get('name', '?')} {model.get('version', '')}".rstrip())
    if report.get("band_path"):
        print(f"  {'band path:':13} {report['band_path']}")
    sys.stdout.flush()
    for warning in report.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)


def run_bands(args):
    from .core.api import plan_input

    plan = plan_input(args.input, mask_options(args))
    print(f"{args.input}: {plan.width} x {plan.height} pixels, {plan.band_count} band(s)")
    print(f"band names from: {plan.naming_source}")
    print(f"scaling from:    {plan.scaling_source}")
    print(f"no data:         {plan.fill.source}")
    if plan.band_path:
        print(f"band path:       {plan.band_path}")
    for line in plan.describe():
        print(f"  {line}")
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def run_device(args):
    from .core.api import describe_device

    print(describe_device(args.device))
    return 0


def one_line(exc):
    text = " ".join(str(exc).split())
    return text or repr(exc)


class CancelOnInterrupt:
    """The first Ctrl-C asks the engine to stop at its next check, so it can remove partial
    outputs; a second Ctrl-C interrupts at once."""

    def __init__(self):
        self._requested = False
        self._previous = None

    def requested(self):
        return self._requested

    def _handle(self, signum, frame):
        self._requested = True
        print("\ncancelling (Ctrl-C again to abort at once)...", file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def __enter__(self):
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info):
        signal.signal(signal.SIGINT, self._previous)
        return False


class ProgressLine:
    """Percent and stage on stderr: one line rewritten in place on a terminal; otherwise a
    new line for each tenth of the work or new stage, so logs stay short."""

    def __init__(self, label):
        self.label = label
        self.tty = sys.stderr.isatty()
        self._seen_messages = set()
        self._last_tenth = -1
        self._open = False

    def __call__(self, fraction, message):
        percent = int(100 * max(0.0, min(1.0, fraction)))
        line = f"{self.label}: {percent:3d}% {message}"
        if self.tty:
            print("\r" + line[:119].ljust(80), end="", file=sys.stderr, flush=True)
            self._open = True
        elif message not in self._seen_messages or percent // 10 != self._last_tenth:
            print(line, file=sys.stderr, flush=True)
            self._seen_messages.add(message)
            self._last_tenth = percent // 10

    def end_line(self):
        if self._open:
            print(file=sys.stderr)
            self._open = False


if __name__ == "__main__":
    sys.exit(main())
