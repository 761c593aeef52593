using Dsl.Runtime.Data;
using Dsl.Runtime.Dynamic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>DDA's pieces: the moiré prior, slimmable convolutions and norms, routing by rank, patch stitching, the screen-capture simulation.</summary>
public class DynamicTests
{
    [Fact]
    public void A_flat_grey_patch_scores_zero()
    {
        using var grey = full(new long[] { 1, 3, 16, 16 }, 0.5f);
        Assert.Equal(0, MoirePrior.Scores(grey).item<float>(), 6);
    }

    [Fact]
    public void A_coloured_high_frequency_grating_scores_above_a_smooth_gradient()
    {
        // Red and green stripes two pixels wide; a ramp from red to blue across the patch.
        using var x = arange(32, dtype: ScalarType.Float32);
        using var stripes = x.div(2, rounding_mode: RoundingMode.floor).remainder(2).reshape(1, 32).expand(32, 32);
        using var grating = stack(new[] { stripes, 1 - stripes, zeros(32, 32) }).unsqueeze(0);
        using var ramp = (x / 31).reshape(1, 32).expand(32, 32);
        using var gradient = stack(new[] { 1 - ramp, zeros(32, 32), ramp }).unsqueeze(0);
        var scores = MoirePrior.Scores(cat(new[] { grating, gradient }, 0)).data<float>().ToArray();
        Assert.True(scores[0] > 10 * scores[1], $"grating {scores[0]}, gradient {scores[1]}");
    }

    [Fact]
    public void Colourfulness_follows_Hasler_and_Susstrunk()
    {
        // Pixels (1, 0, 0) and (0, 1, 0): rg = [1, −1], yb = [½, ½]; σ_rg = 1, σ_yb = 0, μ_rg = 0, μ_yb = ½.
        using var patch = tensor(new float[] { 1, 0, 0, 1, 0, 0 }).reshape(1, 3, 1, 2);
        Assert.Equal(1 + 0.3 * 0.5, MoirePrior.Colourfulness(patch).item<float>(), 5);
        Assert.Equal(1 + 0.5 * 0.5, MoirePrior.Colourfulness(patch, colourWeight: 0.5).item<float>(), 5);
    }

    [Fact]
    public void The_high_pass_is_zero_at_the_centre_and_one_minus_e_to_minus_half_at_D0()
    {
        using var h = MoirePrior.HighPass(16, 16, 5);
        Assert.Equal(0, h[8, 8].item<float>(), 6);
        Assert.Equal(1 - Math.Exp(-0.5), h[8, 13].item<float>(), 5);
        Assert.Equal(1 - Math.Exp(-0.5), h[3, 8].item<float>(), 5);
        Assert.Equal(1 - Math.Exp(-(9 + 16) / 50.0), h[5, 12].item<float>(), 5);
    }

    [Fact]
    public void Frequency_is_the_mean_magnitude_of_the_high_passed_channels_by_a_direct_DFT()
    {
        const int n = 6;
        using var patch = rand(1, 3, n, n, generator: new Generator(3));
        double total = 0;
        for (var channel = 0; channel < 3; channel++)
            total += HighPassedMagnitude(patch[0, channel].to(ScalarType.Float64).data<double>().ToArray(), n, cutoff: 2);
        Assert.Equal(total / 3, MoirePrior.Frequency(patch, cutoff: 2).item<float>(), 5);
    }

    /// <summary>The mean magnitude of an n × n image high-passed by definition: the DFT, the filter, the inverse DFT.</summary>
    private static double HighPassedMagnitude(double[] grey, int n, double cutoff)
    {
        // The filter reads frequency index k as the signed frequency ((k + n/2) mod n) − n/2, as the centred spectrum has it.
        var (re, im) = (new double[n * n], new double[n * n]);
        for (var u = 0; u < n; u++)
        for (var v = 0; v < n; v++)
        for (var y = 0; y < n; y++)
        for (var x = 0; x < n; x++)
        {
            var phase = -2 * Math.PI * (u * y + v * x) / n;
            re[u * n + v] += grey[y * n + x] * Math.Cos(phase);
            im[u * n + v] += grey[y * n + x] * Math.Sin(phase);
        }
        double Distance2(int k) { var c = ((k + n / 2) % n) - n / 2; return c * c; }
        for (var u = 0; u < n; u++)
        for (var v = 0; v < n; v++)
        {
            var h = 1 - Math.Exp(-(Distance2(u) + Distance2(v)) / (2 * cutoff * cutoff));
            re[u * n + v] *= h;
            im[u * n + v] *= h;
        }
        double total = 0;
        for (var y = 0; y < n; y++)
        for (var x = 0; x < n; x++)
        {
            double r = 0, i = 0;
            for (var u = 0; u < n; u++)
            for (var v = 0; v < n; v++)
            {
                var phase = 2 * Math.PI * (u * y + v * x) / n;
                r += re[u * n + v] * Math.Cos(phase) - im[u * n + v] * Math.Sin(phase);
                i += re[u * n + v] * Math.Sin(phase) + im[u * n + v] * Math.Cos(phase);
            }
            total += Math.Sqrt(r * r + i * i) / (n * n);
        }
        return total / (n * n);
    }

    private static Conv2d Conv(long input, long output, long seed)
    {
        manual_seed(seed);
        return nn.Conv2d(input, output, 3, padding: 1);
    }

    [Fact]
    public void At_width_1_a_slimmable_conv_is_the_plain_conv()
    {
        using var conv = Conv(8, 12, 1);
        var widths = new DynamicWidths(new[] { 0.25, 0.5, 1.0 });
        using var slim = new SlimmableConv2d(conv, widths, slimInput: true, slimOutput: true);
        using var x = randn(2, 8, 5, 5, generator: new Generator(2));
        Assert.True(slim.forward(x).allclose(conv.forward(x), 0, 0));
        Assert.Equal(new[] { "bias", "weight" }, slim.state_dict().Keys.Order().ToArray());
    }

    [Fact]
    public void At_width_w_it_computes_int_w_C_channels_as_a_smaller_conv_with_the_sliced_weight()
    {
        using var conv = Conv(8, 12, 3);
        var widths = new DynamicWidths(new[] { 0.25, 0.5, 0.75, 1.0 }) { Current = 0.75 };
        using var slim = new SlimmableConv2d(conv, widths, slimInput: true, slimOutput: true);
        using var x = randn(2, 6, 5, 5, generator: new Generator(4));
        using var y = slim.forward(x);
        Assert.Equal(new long[] { 2, 9, 5, 5 }, y.shape);
        using var expected = nn.functional.conv2d(x, conv.weight![..9, ..6], conv.bias![..9], padding: new long[] { 1, 1 });
        Assert.True(y.allclose(expected, 1e-5, 1e-6));
        // Output only: all 8 inputs, int(0.25·12) = 3 outputs; input only: 2 inputs, all 12 outputs.
        widths.Current = 0.25;
        using var outputOnly = new SlimmableConv2d(Conv(8, 12, 3), widths, slimInput: false, slimOutput: true);
        Assert.Equal(3, outputOnly.forward(randn(1, 8, 4, 4)).shape[1]);
        using var inputOnly = new SlimmableConv2d(Conv(8, 12, 3), widths, slimInput: true, slimOutput: false);
        Assert.Equal(12, inputOnly.forward(randn(1, 2, 4, 4)).shape[1]);
        var error = Assert.Throws<ArgumentException>(() => inputOnly.forward(randn(1, 8, 4, 4)));
        Assert.Equal("at width 0.25 this convolution reads 2 channels, but its input has 8", error.Message);
    }

    [Fact]
    public void A_concatenated_input_is_slimmed_part_by_part()
    {
        // Parts of 4 and 8 channels at width ½: input channels 0–1 of the first and 4–7 of the second.
        using var conv = Conv(12, 6, 5);
        var widths = new DynamicWidths(new[] { 0.5, 1.0 }) { Current = 0.5 };
        using var slim = new SlimmableConv2d(conv, widths, slimInput: true, slimOutput: false, inputParts: new[] { new InputPart(4, true), new InputPart(8, true) });
        Assert.Equal(new long[] { 0, 1, 4, 5, 6, 7 }, slim.InputChannels(0.5));
        using var x = randn(1, 6, 4, 4, generator: new Generator(6));
        using var weight = conv.weight!.index_select(1, tensor(new long[] { 0, 1, 4, 5, 6, 7 }));
        using var expected = nn.functional.conv2d(x, weight, conv.bias, padding: new long[] { 1, 1 });
        Assert.True(slim.forward(x).allclose(expected, 1e-5, 1e-6));
        // A part read whole (the image beside slimmed features): all 4 of the first, 4 of the second's 8.
        using var mixed = new SlimmableConv2d(Conv(12, 6, 5), widths, slimInput: true, slimOutput: false, inputParts: new[] { new InputPart(4, false), new InputPart(8, true) });
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, mixed.InputChannels(0.5));
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, mixed.InputChannels(0.75));
    }

    [Fact]
    public void Each_width_keeps_its_own_norm_statistics()
    {
        var widths = new DynamicWidths(new[] { 0.5, 1.0 });
        using var norm = new SwitchableNorm(4, 1e-5, 1.0, affine: true, widths);
        norm.train();
        widths.Current = 0.5;
        norm.forward(full(new long[] { 3, 2, 2, 2 }, 5f));
        var mean = norm.state_dict()["running_mean"];
        Assert.Equal(new float[] { 5, 5, 0, 0, 0, 0, 0, 0 }, mean.data<float>().ToArray());
        widths.Current = 1.0;
        norm.forward(full(new long[] { 3, 4, 2, 2 }, 2f));
        Assert.Equal(new float[] { 5, 5, 0, 0, 2, 2, 2, 2 }, norm.state_dict()["running_mean"].data<float>().ToArray());
    }

    [Fact]
    public void Six_patches_on_three_widths_go_two_by_two_by_rank()
    {
        var widths = WidthRouting.Assign(new[] { 0.9, 0.1, 0.5, 0.3, 0.7, 0.2 }, new[] { 0.75, 0.25, 0.5 });
        Assert.Equal(new[] { 0.75, 0.25, 0.5, 0.5, 0.75, 0.25 }, widths);
        // Seven patches: ranks 0–2 → narrowest (⌊3r/7⌋ = 0 for r < 3), 3–4 → middle, 5–6 → widest.
        Assert.Equal(new[] { 0.25, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75 }, WidthRouting.Assign(new double[] { 1, 2, 3, 4, 5, 6, 7 }, new[] { 0.25, 0.5, 0.75 }));
    }

    [Fact]
    public void Stitching_the_patches_of_an_image_gives_it_back()
    {
        var grid = new PatchGrid(50, 37, patch: 16, overlap: 4);
        Assert.Equal(new long[] { 0, 12, 24, 34 }, grid.Rows);
        Assert.Equal(new long[] { 0, 12, 21 }, grid.Columns);
        using var image = rand(3, 50, 37, generator: new Generator(7));
        using var patches = grid.Cut(image);
        Assert.Equal(new long[] { 12, 3, 16, 16 }, patches.shape);
        Assert.True(grid.Stitch(patches).allclose(image, 0, 1e-6));
        // Blending: where two patches overlap, a pixel is their weighted mean, so a patch of ones and one of zeros meet in a ramp.
        var two = new PatchGrid(8, 14, patch: 8, overlap: 2);
        using var halves = stack(new[] { ones(1, 8, 8), zeros(1, 8, 8) });
        var row = two.Stitch(halves)[0, 0].data<float>().ToArray();
        // Columns 6 and 7 are in both: weights (2/3, 1/3) from the first patch's falling ramp, (1/3, 2/3) from the second's rising one.
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1, 2 / 3.0, 1 / 3.0, 0, 0, 0, 0, 0, 0 }, row.Select(v => (double)v), new PrecisionComparer(5));
    }

    [Fact]
    public void The_screen_averages_to_the_photo_and_the_Bayer_mask_is_RGGB()
    {
        using var photo = rand(1, 3, 4, 5, generator: new Generator(8));
        using var screen = MoireSimulation.Screen(photo);
        Assert.True(nn.functional.avg_pool2d(screen, 3).allclose(photo, 1e-5, 1e-6));
        Assert.Equal(new float[] { 3 * photo[0, 0, 0, 0].item<float>(), 0, 0 }, screen[0, .., 1, 0].data<float>().ToArray());
        using var mask = MoireSimulation.BayerMask(2, 2);
        Assert.Equal(new float[] { 1, 0, 0, 0, /* green */ 0, 1, 1, 0, /* blue */ 0, 0, 0, 1 }, mask.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Demosaicing_a_uniform_colour_gives_it_back()
    {
        using var colour = tensor(new float[] { 0.2f, 0.6f, 0.9f }).reshape(1, 3, 1, 1).expand(1, 3, 6, 8);
        using var mosaic = (colour * MoireSimulation.BayerMask(6, 8)).sum(1, keepdim: true);
        Assert.True(MoireSimulation.Demosaic(mosaic).allclose(colour, 1e-5, 1e-6));
    }

    [Fact]
    public void A_camera_square_on_the_screen_sees_no_moire_and_a_turned_one_does()
    {
        using var grey = full(new long[] { 3, 48, 48 }, 0.5f);
        var (square, squareClean) = MoireSimulation.Capture(grey, new ScreenCapture(0, 1, 0, 0));
        Assert.True(square.allclose(grey, 0, 1e-4), "one triad per camera pixel averages to the colour");
        Assert.True(squareClean.allclose(grey, 0, 1e-5));
        var (turned, turnedClean) = MoireSimulation.Capture(grey, new ScreenCapture(3, 0.9, 0.5, 0));
        Assert.True(turnedClean.allclose(grey, 0, 1e-5));
        // The stripes beat into colour bands: a colourful, patterned capture of a flat grey screen.
        Assert.True(MoirePrior.Colourfulness(turned.unsqueeze(0)).item<float>() > 0.02, "moiré bands");
        Assert.InRange(turned.mean().item<float>(), 0.45, 0.55);
    }

    [Fact]
    public void A_tilted_camera_leaves_moire_on_the_side_in_focus_only()
    {
        using var mask = MoireSimulation.FocusMask(0, 2, 8);
        // Towards 0°, i.e. +x: column centres at x = −7/8 … 7/8, sharpness 0.5 + 0.75·x clamped.
        Assert.Equal(new[] { 0, 0.03125, 0.21875, 0.40625, 0.59375, 0.78125, 0.96875, 1 }, mask[0, 0, 0].data<float>().ToArray().Select(v => (double)v), new PrecisionComparer(5));
        using var grey = full(new long[] { 3, 48, 96 }, 0.5f);
        var (moire, _) = MoireSimulation.Capture(grey, new ScreenCapture(3, 0.9, 0.5, 0, 0.5, FocusDegrees: 0));
        var sides = MoirePrior.Colourfulness(stack(new[] { moire.narrow(2, 72, 24), moire.narrow(2, 0, 24) })).data<float>().ToArray();
        Assert.True(sides[0] > 10 * sides[1], $"in focus {sides[0]}, out of focus {sides[1]}");
    }

    [Fact]
    public void A_dynamic_model_switches_every_layer_and_keeps_the_compilers_MACs()
    {
        manual_seed(11);
        using var model = new TinyDynamic();
        Assert.Equal(new long[] { TinyDynamic.MacsW25, TinyDynamic.MacsW50, TinyDynamic.MacsW75, TinyDynamic.MacsW100 },
            new[] { 0.25, 0.5, 0.75, 1.0 }.Select(model.Dynamic.MacsAt).ToArray());
        using var images = rand(2, 3, 16, 16, generator: new Generator(12));
        var outputs = new List<Tensor>();
        foreach (var width in new[] { 0.25, 0.5, 0.75, 1.0 })
        {
            model.Width = width;
            // The stem makes int(w·6) channels: 1, 3, 4, 6.
            var stem = (SlimmableConv2d)model.named_modules().Single(m => m.name == "stem").module;
            Assert.Equal(new[] { 1L, 3, 4, 6 }[(int)(width * 4) - 1], stem.forward(images).shape[1]);
            outputs.Add(model.forward(images));
            Assert.Equal(new long[] { 2, 3, 16, 16 }, outputs[^1].shape);
        }
        Assert.False(outputs[0].allclose(outputs[3]), "each width computes its own function");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Width = 0.6);
        Assert.Contains("the widths are [0.25, 0.5, 0.75, 1]", error.Message);
    }

    [Fact]
    public void Routed_restoration_runs_each_patch_at_its_width_and_costs_the_mean_of_the_widths()
    {
        manual_seed(13);
        using var model = new TinyDynamic();
        // 28 × 28 in patches of 16 overlapping by 4: rows and columns start at 0 and 12, four patches, one per width.
        using var image = rand(3, 28, 28, generator: new Generator(14));
        var scores = new[] { 0.3, 0.9, 0.1, 0.5 };
        var routed = model.Dynamic.Restore(model, image, scores);
        Assert.Equal(new[] { 0.5, 1.0, 0.25, 0.75 }, routed.PatchWidths);
        Assert.Equal((TinyDynamic.MacsW25 + TinyDynamic.MacsW50 + TinyDynamic.MacsW75 + TinyDynamic.MacsW100) / 4.0, routed.MeanMacs);
        Assert.Equal(TinyDynamic.RoutedMacs, routed.MeanMacs, 6);
        Assert.Equal(TinyDynamic.MacsW25 + TinyDynamic.MacsW50 + TinyDynamic.MacsW75 + TinyDynamic.MacsW100, routed.Macs, 6);
        Assert.Equal(1.0, model.Width);
        // Pixels only the first patch covers are its restoration at its width, 0.5.
        model.eval();
        model.Width = 0.5;
        using var first = model.forward(image.narrow(1, 0, 16).narrow(2, 0, 16).unsqueeze(0))[0];
        Assert.True(routed.Image.narrow(1, 0, 12).narrow(2, 0, 12).allclose(first.narrow(1, 0, 12).narrow(2, 0, 12), 1e-5, 1e-5));
        // Routing by the prior: a grating patch goes wider than flat ones.
        model.Width = 1.0;
        using var flat = full(new long[] { 3, 28, 28 }, 0.5f);
        flat[.., 12.., 12..] = MoireSimulation.Screen(full(new long[] { 1, 3, 6, 6 }, 0.4f))[0, .., ..16, ..16];
        var prior = model.Dynamic.Restore(model, flat);
        Assert.Equal(1.0, prior.PatchWidths[3]);
    }

    [Fact]
    public void Each_step_trains_one_width_on_the_patches_routing_gives_it_the_widths_taking_turns()
    {
        var scores = new double[,] { { 0.1, 0.9, 0.5, 0.3 }, { 4, 3, 2, 1 } };
        var widths = new[] { 0.25, 0.5, 0.75, 1.0 };
        // Step 0: the narrowest width, on each crop's simplest patch (0 of crop 0, 3 of crop 1: 4 + 3).
        Assert.Equal("0.25: 0, 7", Describe(DynamicTraining.Select(scores, widths, 0)));
        Assert.Equal("1: 1, 4", Describe(DynamicTraining.Select(scores, widths, 3)));
        Assert.Equal("0.5: 3, 6", Describe(DynamicTraining.Select(scores, widths, 5)));
    }

    private static string Describe((double Width, IReadOnlyList<long> Patches) s) =>
        $"{s.Width.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {string.Join(", ", s.Patches)}";

    [Fact]
    public void The_loss_is_L1_plus_the_L1_of_the_Sobel_gradients()
    {
        // A vertical step 0, 0, 1, 1 in three rows: Sobel x is 4 at both inner positions, y is 0.
        using var step = tensor(new float[] { 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1 }).reshape(1, 1, 3, 4);
        Assert.Equal(new float[] { 4, 4, 0, 0 }, DynamicTraining.Sobel(step).flatten().data<float>().ToArray());
        // Against a flat 0.5: L1 0.5; the gradients' L1 is the mean of |4, 4, 0, 0| = 2.
        using var flat = full(new long[] { 1, 1, 3, 4 }, 0.5f);
        Assert.Equal(0.5 + 0.3 * 2, DynamicTraining.Loss(step, flat, 0.3).item<float>(), 5);
        // An offset changes no gradient: the loss is the offset.
        Assert.Equal(0.25, DynamicTraining.Loss(step + 0.25f, step, 1).item<float>(), 5);
    }

    [Fact]
    public void PSNR_over_RGB_follows_its_definition()
    {
        using var image = full(new long[] { 3, 4, 4 }, 100 / 255f);
        Assert.Equal(20 * Math.Log10(255), ImageQuality.PsnrRgb(image + 1 / 255f, image), 6);
        Assert.Equal(double.PositiveInfinity, ImageQuality.PsnrRgb(image, image.clone()));
    }

    private static IReadOnlyList<string> Photos() => new[] { "chelsea.png", "rocket.jpg" }.Select(f => Path.Combine(AppContext.BaseDirectory, "data", "photos", f)).ToList();

    [Fact]
    public void Simulated_pairs_are_reproducible_aligned_and_sized_in_eights()
    {
        using var first = MoirePairs.Simulate(Photos(), maxSide: 64, seed: 5);
        using var again = MoirePairs.Simulate(Photos(), maxSide: 64, seed: 5);
        Assert.Equal(2, first.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(first.Moire[i].equal(again.Moire[i]).all().item<bool>());
            Assert.Equal(first.Moire[i].shape, first.Clean[i].shape);
            Assert.True(first.Moire[i].shape[1] % 8 == 0 && first.Moire[i].shape[2] % 8 == 0 && first.Moire[i].shape.Skip(1).Max() <= 64);
            Assert.InRange(ImageQuality.PsnrRgb(first.Moire[i], first.Clean[i]), 10, 40);
        }
        var (moire, clean) = first.Crops(3, 16, new Generator(6));
        Assert.Equal(new long[] { 3, 3, 16, 16 }, moire.shape);
        Assert.Equal(moire.shape, clean.shape);
    }

    [Fact]
    public void Real_pairs_load_from_an_LCDMoire_folder_and_a_missing_target_is_named()
    {
        var root = Directory.CreateTempSubdirectory("moire-pairs").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "moire"));
            Directory.CreateDirectory(Path.Combine(root, "clear"));
            using var a = rand(3, 8, 8, generator: new Generator(7));
            ImageFiles.SavePng(a, Path.Combine(root, "moire", "000001_moire.png"));
            ImageFiles.SavePng(a * 0.5, Path.Combine(root, "clear", "000001_gt.png"));
            using var pairs = MoirePairs.FromFolder(root);
            Assert.Equal(new[] { "000001" }, pairs.Names);
            Assert.True(pairs.Clean[0].allclose(ImageFiles.Decode(Path.Combine(root, "clear", "000001_gt.png"))));
            ImageFiles.SavePng(a, Path.Combine(root, "moire", "000002_moire.png"));
            var error = Assert.Throws<DataFormatException>(() => MoirePairs.FromFolder(root));
            Assert.Equal($"{Path.Combine(root, "moire", "000002_moire.png")}: no target in {Path.Combine(root, "clear")} with the name 000002", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Training_visits_every_width_and_leaves_the_model_at_the_widest()
    {
        using var pairs = MoirePairs.Simulate(Photos(), maxSide: 64, seed: 8);
        manual_seed(9);
        using var model = new TinyDynamic();
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var result = DynamicTraining.Fit(model, pairs, new DynamicTrainingOptions(Steps: 8, Crops: 2, Device: "cpu", LogEvery: 0), TextWriter.Null);
        Assert.Equal(new[] { 0.25, 0.5, 0.75, 1.0 }, result.LossAtWidth.Keys.Order());
        Assert.All(result.LossAtWidth.Values, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.Equal(1.0, model.Width);
        Assert.Contains(model.parameters().Zip(before), p => !p.First.allclose(p.Second));
    }

    private sealed class PrecisionComparer(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < Math.Pow(10, -digits);
        public int GetHashCode(double value) => 0;
    }
}
