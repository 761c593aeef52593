using System.Text.Json;
using Dsl.Runtime.Data;
using Dsl.Runtime.Detection;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Q-DETR's groundwork: box arithmetic and GIoU, the optimal assignment against scipy, COCO's AP on hand-worked cases.</summary>
public class DetectionTests
{
    [Fact]
    public void GIoU_is_1_for_identical_boxes_and_its_definition_elsewhere()
    {
        using var a = tensor(new float[] { 0, 0, 2, 2 }).reshape(1, 4);
        using var b = tensor(new float[] { 1, 1, 3, 3, 0, 0, 2, 2, 10, 10, 11, 11, 0, 0, 2, 1 }).reshape(4, 4);
        var giou = Boxes.GeneralisedIou(a, b).data<float>().ToArray();
        // Overlap 1, union 7, enclosing 3×3 = 9: 1/7 − 2/9.
        Assert.Equal(1 / 7.0 - 2 / 9.0, giou[0], 5);
        Assert.Equal(1, giou[1], 6);
        // Disjoint and far apart: IoU 0, union 5, enclosing 11² = 121: −116/121, towards −1.
        Assert.Equal(-116 / 121.0, giou[2], 5);
        // Inside: IoU 2/4 and the enclosing box is the union: 0.5.
        Assert.Equal(0.5, giou[3], 6);
    }

    [Fact]
    public void Centre_and_corner_forms_convert_both_ways()
    {
        using var centre = tensor(new float[] { 0.5f, 0.4f, 0.2f, 0.6f }).reshape(1, 4);
        using var corners = Boxes.CentreToCorners(centre);
        Assert.Equal(new[] { 0.4f, 0.1f, 0.6f, 0.7f }, corners.data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        using var back = Boxes.CornersToCentre(corners);
        Assert.True(back.allclose(centre, atol: 1e-6));
    }

    [Fact]
    public void The_assignment_is_scipys_optimum()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "assignment.json"))).RootElement;
        foreach (var c in fixture.GetProperty("cases").EnumerateArray())
        {
            var rows = c.GetProperty("cost").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var cost = new double[rows.Length, rows[0].Length];
            for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[0].Length; j++) cost[i, j] = rows[i][j];
            var pairs = Assignment.Solve(cost);
            Assert.Equal(Math.Min(rows.Length, rows[0].Length), pairs.Length);
            Assert.Equal(pairs.Length, pairs.Select(p => p.Column).Distinct().Count());
            Assert.Equal(c.GetProperty("total").GetDouble(), pairs.Sum(p => cost[p.Row, p.Column]), 9);
            Assert.Equal(c.GetProperty("rows").EnumerateArray().Select(v => v.GetInt32()), pairs.Select(p => p.Row));
            Assert.Equal(c.GetProperty("columns").EnumerateArray().Select(v => v.GetInt32()), pairs.Select(p => p.Column));
        }
    }

    [Fact]
    public void The_assignment_beats_the_greedy_choice()
    {
        // Greedy takes (0, 0) = 1 and then (1, 1) = 10; the optimum is (0, 1) + (1, 0) = 2 + 3.
        var pairs = Assignment.Solve(new double[,] { { 1, 2 }, { 3, 10 } });
        Assert.Equal(new[] { (0, 1), (1, 0) }, pairs);
    }

    private static LabelledBox Truth(int image, double x0, double y0, double x1, double y1, int c = 0) => new(image, c, x0, y0, x1, y1);

    private static LabelledBox Found(int image, double x0, double y0, double x1, double y1, double score, int c = 0) => new(image, c, x0, y0, x1, y1, score);

    [Fact]
    public void A_perfect_detection_has_AP_1()
    {
        var m = AveragePrecision.Evaluate(new[] { Found(0, 0, 0, 10, 10, 0.9) }, new[] { Truth(0, 0, 0, 10, 10) });
        Assert.Equal((1.0, 1.0, 1.0), (m.Ap, m.Ap50, m.Ap75));
    }

    [Fact]
    public void A_false_positive_ranked_first_halves_the_precision_at_every_recall()
    {
        // Ranks: a miss (precision 0, recall 0), then the hit (precision ½, recall 1); the envelope is ½ from recall 0 to 1.
        var m = AveragePrecision.Evaluate(new[] { Found(0, 50, 50, 60, 60, 0.9), Found(0, 0, 0, 10, 10, 0.8) }, new[] { Truth(0, 0, 0, 10, 10) });
        Assert.Equal(0.5, m.Ap, 12);
        // Ranked the other way round it costs nothing.
        var swapped = AveragePrecision.Evaluate(new[] { Found(0, 50, 50, 60, 60, 0.7), Found(0, 0, 0, 10, 10, 0.8) }, new[] { Truth(0, 0, 0, 10, 10) });
        Assert.Equal(1, swapped.Ap, 12);
    }

    [Fact]
    public void Half_the_boxes_found_gives_precision_1_up_to_recall_one_half()
    {
        // Recalls 0, 0.01, …, 0.50 (51 of the 101 points) read precision 1; the rest 0.
        var m = AveragePrecision.Evaluate(new[] { Found(0, 0, 0, 10, 10, 0.9) }, new[] { Truth(0, 0, 0, 10, 10), Truth(1, 0, 0, 10, 10) });
        Assert.Equal(51 / 101.0, m.Ap, 12);
    }

    [Fact]
    public void An_overlap_of_0_62_counts_at_the_thresholds_up_to_0_60()
    {
        // IoU 62/100 (a 10×10 box against one shifted to cover 6.2 of its width): a hit at 0.50, 0.55, 0.60 of the ten thresholds.
        var m = AveragePrecision.Evaluate(new[] { Found(0, 0, 0, 10, 10, 0.9) }, new[] { Truth(0, 0, 0, 10, 6.2) });
        Assert.Equal(0.3, m.Ap, 12);
        Assert.Equal((1.0, 0.0), (m.Ap50, m.Ap75));
    }

    [Fact]
    public void A_ground_truth_is_matched_once_and_classes_are_averaged()
    {
        // Class 0: two boxes, two detections of the first: the second is a false positive, so recall
        // stops at ½ (AP 51/101; matched twice it would reach 1). Class 1: the only detection
        // misses: AP 0. Class 2 has no ground truth and is left out of the mean.
        var m = AveragePrecision.Evaluate(
            new[] { Found(0, 0, 0, 10, 10, 0.9), Found(0, 0, 0, 10, 10, 0.8), Found(0, 20, 20, 30, 30, 0.9, c: 1), Found(0, 0, 0, 5, 5, 0.9, c: 2) },
            new[] { Truth(0, 0, 0, 10, 10), Truth(0, 50, 50, 60, 60), Truth(0, 0, 0, 10, 10, c: 1) });
        Assert.Equal(51 / 202.0, m.Ap, 12);
        Assert.Equal(51 / 101.0, m.PerClass[0], 12);
        Assert.Equal(0, m.PerClass[1], 12);
        Assert.True(double.IsNaN(m.PerClass[2]));
    }

    [Fact]
    public void Object_canvases_are_reproducible_and_each_box_is_its_items_visible_extent()
    {
        var test = FashionMnist.LoadSplit(FashionMnist.Locate(null, full: false), "t10k");
        using var a = ObjectCanvases.Generate(test, 12, seed: 3);
        using var b = ObjectCanvases.Generate(test, 12, seed: 3);
        Assert.True(a.Images.allclose(b.Images, 0, 0));
        Assert.Equal(a.Targets.SelectMany(t => t.Classes), b.Targets.SelectMany(t => t.Classes));
        using var other = ObjectCanvases.Generate(test, 12, seed: 4);
        Assert.False(a.Images.allclose(other.Images, 0, 0));
        for (var n = 0; n < 12; n++)
        {
            var target = a.Targets[n];
            Assert.InRange(target.Count, ObjectCanvases.MinObjects, ObjectCanvases.MaxObjects);
            var inked = a.Images[n, 0].gt(ObjectCanvases.Ink);
            var covered = zeros_like(inked);
            foreach (var box in target.Labelled(n, 64, 64))
            {
                var (x0, y0, x1, y1) = ((long)Math.Round(box.X0), (long)Math.Round(box.Y0), (long)Math.Round(box.X1), (long)Math.Round(box.Y1));
                Assert.True(x0 >= 0 && y0 >= 0 && x1 <= 64 && y1 <= 64 && x1 > x0 && y1 > y0);
                var region = inked.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0);
                // Tight: ink on each of the box's four edges.
                Assert.True(region.select(0, 0).any().item<bool>() && region.select(0, -1).any().item<bool>());
                Assert.True(region.select(1, 0).any().item<bool>() && region.select(1, -1).any().item<bool>());
                covered.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0).fill_(true);
            }
            // No ink outside the boxes.
            Assert.False(inked.logical_and(covered.logical_not()).any().item<bool>());
        }
    }

    private static DetectionTarget Target(long[] classes, params float[][] boxes)
    {
        var array = new float[boxes.Length, 4];
        for (var i = 0; i < boxes.Length; i++)
        for (var j = 0; j < 4; j++) array[i, j] = boxes[i][j];
        return new DetectionTarget(classes, array);
    }

    [Fact]
    public void The_matcher_pairs_each_object_with_the_query_that_predicts_it()
    {
        // Query 0 predicts object 1, query 2 object 0, query 1 nothing near either.
        var target = Target(new long[] { 0, 1 }, new[] { 0.3f, 0.3f, 0.2f, 0.2f }, new[] { 0.7f, 0.7f, 0.2f, 0.2f });
        using var boxes = tensor(new float[] { 0.7f, 0.7f, 0.2f, 0.2f, 0.1f, 0.9f, 0.05f, 0.05f, 0.3f, 0.3f, 0.2f, 0.2f }).reshape(1, 3, 4);
        using var logits = zeros(1, 3, 3);
        var matches = new SetCriterion().Match(logits, boxes, new[] { target });
        Assert.Equal(new[] { (0, 1), (2, 0) }, matches[0]);
    }

    [Fact]
    public void The_set_loss_weighs_no_object_by_a_tenth_and_averages_boxes_over_objects()
    {
        // One class plus "no object"; one object. Query 0 sits on it with logits [0, 0]; query 1 is
        // elsewhere with logits [2, 0] and must learn "no object": CE = (1·ln 2 + 0.1·ln(1 + e²)) / 1.1.
        var target = Target(new long[] { 0 }, new[] { 0.5f, 0.5f, 0.4f, 0.4f });
        using var boxes = tensor(new float[] { 0.5f, 0.5f, 0.4f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f }).reshape(1, 2, 4);
        using var logits = tensor(new float[] { 0, 0, 2, 0 }).reshape(1, 2, 2);
        var (loss, terms, matches) = new SetCriterion().Compute(logits, boxes, new[] { target });
        Assert.Equal(new[] { (0, 0) }, matches[0]);
        Assert.Equal((Math.Log(2) + 0.1 * Math.Log(1 + Math.Exp(2))) / 1.1, terms.Classification, 5);
        // L1 |0.2 − 0.4| = 0.2; the boxes [0.3, 0.3, 0.7, 0.7] and [0.3, 0.4, 0.7, 0.6]: IoU ½, enclosing = union, 1 − GIoU = ½.
        Assert.Equal(0.2, terms.BoxL1, 5);
        Assert.Equal(0.5, terms.Giou, 5);
        Assert.Equal(terms.Classification + 5 * 0.2 + 2 * 0.5, loss.item<float>(), 4);
    }

    [Fact]
    public void Sine_positions_follow_DETRs_formula()
    {
        // C = 8: four features per coordinate at 10000^(2⌊i/2⌋/4) = 1, 1, 100, 100; unnormalised y, x count from 1.
        using var map = zeros(1, 8, 2, 1);
        using var pos = new SinePosition(10000, normalize: false).forward(map);
        Assert.Equal(new long[] { 1, 2, 8 }, pos.shape);
        // The token at row 1, column 0: y = 2, x = 1.
        var expected = new[] { Math.Sin(2), Math.Cos(2), Math.Sin(0.02), Math.Cos(0.02), Math.Sin(1), Math.Cos(1), Math.Sin(0.01), Math.Cos(0.01) };
        Assert.Equal(expected, pos[0, 1].data<float>().ToArray().Select(v => (double)v), new PrecisionComparer(5));
        // Normalised, the last row and column reach 2π (less DETR's 1e-6).
        using var normalised = new SinePosition(10000, normalize: true).forward(map);
        Assert.Equal(Math.Sin(2 * Math.PI * 2 / (2 + 1e-6)), normalised[0, 1, 0].item<float>(), 5);
    }

    private sealed class PrecisionComparer(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < Math.Pow(10, -digits);
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void A_DETR_declared_in_cmodel_has_DETRs_keys_and_trains_on_the_set_loss()
    {
        manual_seed(20);
        using var model = new TinyDetr();
        var keys = model.state_dict().Keys.ToList();
        foreach (var key in new[] { "input_proj.weight", "encoder.self_attn.in_proj_weight", "encoder.self_attn.in_proj_bias", "encoder.self_attn.out_proj.weight",
                     "encoder.linear1.weight", "encoder.norm2.bias", "query_embed.weight", "decoder.self_attn.in_proj_weight", "decoder.multihead_attn.out_proj.bias",
                     "decoder.norm3.weight", "class_embed.weight" })
            Assert.Contains(key, keys);
        using var images = rand(4, 1, 32, 32, generator: new Generator(21));
        var targets = Enumerable.Range(0, 4).Select(i => Target(new long[] { i }, new[] { 0.2f + 0.1f * i, 0.5f, 0.2f, 0.3f })).ToList();
        var criterion = new SetCriterion();
        using var optimizer = optim.AdamW(model.parameters(), 1e-3);
        model.train();
        double? first = null;
        double last = 0;
        for (var step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            var outputs = model.forward(images);
            Assert.Equal(new long[] { 4, 6, 11 }, outputs.logits.shape);
            Assert.Equal(new long[] { 4, 6, 4 }, outputs.boxes.shape);
            var (loss, _, _) = criterion.Compute(outputs.logits, outputs.boxes, targets);
            optimizer.zero_grad();
            loss.backward();
            // Every parameter gets a gradient, the queries and the cross-attention included, except
            // where the first decoder layer's zero targets leave none at initialisation, as in DETR:
            // its self-attention's values are 0 (zero biases), so its weights and norm1's scale see zeros.
            var exempt = new[] { "decoder.self_attn.in_proj_weight", "decoder.self_attn.out_proj.weight", "decoder.norm1.weight" };
            if (step == 0)
                Assert.All(model.named_parameters().Where(p => !exempt.Contains(p.name)), p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, p.name));
            optimizer.step();
            first ??= loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.85, $"the set loss went from {first} to {last}");
    }

    private sealed record Heads(Tensor Logits, Tensor Boxes) : INamedTensors
    {
        public IReadOnlyList<(string Name, Tensor Tensor)> Named => new[] { ("logits", Logits), ("boxes", Boxes) };
    }

    [Fact]
    public void Heads_that_see_every_decoder_layer_add_each_earlier_layers_set_loss()
    {
        // Two decoder layers' predictions for one image with one object: the set loss is the last
        // layer's plus the first's, each matched on its own; the terms reported are the last layer's.
        var targets = new[] { Target(new long[] { 0 }, new[] { 0.5f, 0.5f, 0.4f, 0.4f }) };
        using var first = tensor(new float[] { 2, 0, 0, 1 }).reshape(1, 2, 2);
        using var firstBoxes = tensor(new float[] { 0.1f, 0.1f, 0.1f, 0.1f, 0.4f, 0.6f, 0.3f, 0.3f }).reshape(1, 2, 4);
        using var last = tensor(new float[] { 0, 0, 2, 0 }).reshape(1, 2, 2);
        using var lastBoxes = tensor(new float[] { 0.5f, 0.5f, 0.4f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f }).reshape(1, 2, 4);
        var criterion = new SetCriterion();
        var (lastLoss, lastTerms, _) = criterion.Compute(last, lastBoxes, targets);
        var firstLoss = criterion.Compute(first, firstBoxes, targets).Loss;
        var stacked = new Heads(stack(new[] { first, last }, 1), stack(new[] { firstBoxes, lastBoxes }, 1));

        var (loss, terms) = DetectionTrainer.SetLoss(criterion, stacked, targets);

        Assert.Equal(lastLoss.item<float>() + firstLoss.item<float>(), loss.item<float>(), 4);
        Assert.Equal(lastTerms, terms);
        Assert.Equal(last.data<float>().ToArray(), DetectionTrainer.Heads(stacked).Logits.data<float>().ToArray());
        Assert.Equal(lastLoss.item<float>(), DetectionTrainer.SetLoss(criterion, new Heads(last, lastBoxes), targets).Loss.item<float>(), 5);
    }

    [Fact]
    public void A_DETR_whose_heads_see_both_decoder_layers_outputs_each_layers_predictions_and_trains()
    {
        var items = FashionMnist.LoadSplit(FashionMnist.Locate(null, full: false), "t10k");
        using var train = ObjectCanvases.Generate(items, 16, size: 32, minSide: 8, maxSide: 16, seed: 1);
        using var model = new TinyDetrAux();
        var outputs = model.forward(train.Images.narrow(0, 0, 2));
        Assert.Equal(new long[] { 2, 2, 6, 11 }, outputs.logits.shape);
        Assert.Equal(new long[] { 2, 2, 6, 4 }, outputs.boxes.shape);
        var history = new DetectionTrainer(new DetectionOptions(Epochs: 2, BatchSize: 8, LearningRate: 1e-3, Device: "cpu"), TextWriter.Null).Fit(model, train, train);
        Assert.True(history[^1].Loss < history[0].Loss, $"loss {history[0].Loss} → {history[^1].Loss}");
    }

    [Fact]
    public void The_detection_trainer_fits_a_DETR_on_canvases_and_reports_AP()
    {
        var items = FashionMnist.LoadSplit(FashionMnist.Locate(null, full: false), "t10k");
        using var train = ObjectCanvases.Generate(items, 32, size: 32, minSide: 8, maxSide: 16, seed: 1);
        using var test = ObjectCanvases.Generate(items, 8, size: 32, minSide: 8, maxSide: 16, seed: 2);
        using var model = new TinyDetr();
        var trainer = new DetectionTrainer(new DetectionOptions(Epochs: 3, BatchSize: 8, LearningRate: 1e-3, Device: "cpu"), TextWriter.Null);
        var history = trainer.Fit(model, train, test);
        Assert.Equal(3, history.Count);
        Assert.True(history[^1].Loss < history[0].Loss, $"loss {history[0].Loss} → {history[^1].Loss}");
        Assert.InRange(history[^1].Test.Ap, 0, 1);
        Assert.InRange(history[^1].Test.Ap50, history[^1].Test.Ap75, 1);
    }

    [Fact]
    public void A_COCO_annotation_file_loads_with_classes_in_id_order_and_boxes_as_fractions()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-coco-").FullName;
        try
        {
            using (var red = zeros(3, 20, 40)) ImageFiles.SavePng(red, Path.Combine(folder, "a.png"));
            using (var blue = ones(3, 10, 10)) ImageFiles.SavePng(blue, Path.Combine(folder, "b.png"));
            var annotations = Path.Combine(folder, "instances.json");
            File.WriteAllText(annotations, """
                {"images": [{"id": 7, "file_name": "b.png", "width": 10, "height": 10}, {"id": 3, "file_name": "a.png", "width": 40, "height": 20}],
                 "categories": [{"id": 18, "name": "dog"}, {"id": 1, "name": "person"}],
                 "annotations": [{"image_id": 3, "category_id": 18, "bbox": [10, 5, 20, 10], "iscrowd": 0},
                                 {"image_id": 3, "category_id": 1, "bbox": [0, 0, 4, 4], "iscrowd": 1},
                                 {"image_id": 7, "category_id": 1, "bbox": [0, 0, 5, 10]}]}
                """);
            using var data = CocoDetection.Load(annotations, folder, size: 16);
            Assert.Equal(new[] { "person", "dog" }, data.ClassNames);
            Assert.Equal(new long[] { 2, 3, 16, 16 }, data.Images.shape);
            // Image 3 first (ids in order): the dog, its crowd person left out; (10 + 10)/40, (5 + 5)/20, 20/40, 10/20.
            Assert.Equal(new long[] { 1 }, data.Targets[0].Classes);
            Assert.Equal(new[] { 0.5f, 0.5f, 0.5f, 0.5f }, Enumerable.Range(0, 4).Select(j => data.Targets[0].Boxes[0, j]));
            Assert.Equal(new long[] { 0 }, data.Targets[1].Classes);
            Assert.Equal(new[] { 0.25f, 0.5f, 0.5f, 1f }, Enumerable.Range(0, 4).Select(j => data.Targets[1].Boxes[0, j]));
            File.WriteAllText(annotations, """{"images": [], "annotations": [{"image_id": 1}]}""");
            var error = Assert.Throws<DataFormatException>(() => CocoDetection.Load(annotations, folder, 16));
            Assert.Contains("instances.json", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Drawn_boxes_outline_truth_in_green_and_predictions_in_red()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.png");
        try
        {
            using var image = zeros(1, 1, 10, 10);
            DetectionDrawing.Save(path, image, new[] { new LabelledBox(0, 0, 1, 1, 5, 5) }, new[] { new LabelledBox(0, 0, 6, 6, 9, 9, 0.9), new LabelledBox(0, 0, 2, 6, 4, 9, 0.1) }, scale: 2);
            using var drawn = ImageFiles.Decode(path);
            Assert.Equal(new long[] { 3, 20, 20 }, drawn.shape);
            // The truth's top edge at y = 2 (1 × 2), x from 2 to 10; the prediction's corner at (12, 12); the low-scored one is not drawn.
            Assert.True(drawn[1, 2, 5].item<float>() > 0.9 && drawn[0, 2, 5].item<float>() < 0.3);
            Assert.True(drawn[0, 12, 12].item<float>() > 0.9 && drawn[1, 12, 12].item<float>() < 0.3);
            Assert.Equal(0, drawn[TensorIndex.Colon, 12, 4].sum().item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_quantized_DETR_counts_the_parameters_it_has_and_keeps_DETRs_keys()
    {
        using var full = new TinyDetr();
        using var low = new TinyDetrW4A4();
        long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        Assert.Equal(TinyDetr.ParameterCount, Count(full));
        Assert.Equal(TinyDetrW4A4.ParameterCount, Count(low));
        // LSQ+ adds steps and offsets, and keeps the weights' names: the full-precision weights load.
        Assert.True(Count(low) > Count(full));
        Assert.Contains("encoder.self_attn.in_proj_weight_quant.step", low.state_dict().Keys);
        Assert.Contains("decoder.multihead_attn.attn_quant.step", low.state_dict().Keys);
        var missing = full.state_dict().Keys.Except(low.state_dict().Keys).ToList();
        Assert.Empty(missing);
        using var images = rand(2, 1, 32, 32, generator: new Generator(22));
        var outputs = low.forward(images);
        Assert.Equal(new long[] { 2, 6, 11 }, outputs.logits.shape);
        Assert.True(TinyDetrW4A4.Bops > 0);
    }

    [Fact]
    public void Foreground_matching_keeps_overlapping_queries_at_tau_0_and_each_boxs_best_near_1()
    {
        // Truth (0.5, 0.5, 0.2, 0.2); query 0 on it (GIoU 1), query 1 shifted half a width (IoU 1/3, GIoU > 0), query 2 far away (GIoU < 0).
        using var truth = tensor(new float[] { 0.5f, 0.5f, 0.2f, 0.2f }).reshape(1, 4);
        using var queries = tensor(new float[] { 0.5f, 0.5f, 0.2f, 0.2f, 0.6f, 0.5f, 0.2f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f }).reshape(3, 4);
        Assert.Equal(new[] { true, true, false }, DistributionRectification.ForegroundQueries(queries, truth, tau: 0));
        Assert.Equal(new[] { true, false, false }, DistributionRectification.ForegroundQueries(queries, truth, tau: 0.999));
        // τ = 0.2: query 1's GIoU 1/3 > 0.2·1.
        Assert.Equal(new[] { true, true, false }, DistributionRectification.ForegroundQueries(queries, truth, tau: 0.2));
        Assert.Equal(new[] { false, false, false }, DistributionRectification.ForegroundQueries(queries, zeros(0, 4), tau: 0));
    }

    [Fact]
    public void Each_student_query_is_matched_to_the_teacher_query_with_the_best_GIoU_less_L1_score()
    {
        using var student = tensor(new float[] { 0.3f, 0.3f, 0.2f, 0.2f, 0.7f, 0.7f, 0.1f, 0.1f }).reshape(2, 4);
        using var teacher = tensor(new float[] { 0.7f, 0.72f, 0.1f, 0.1f, 0.5f, 0.5f, 0.9f, 0.9f, 0.31f, 0.3f, 0.2f, 0.2f }).reshape(3, 4);
        Assert.Equal(new long[] { 2, 0 }, DistributionRectification.MatchToTeacher(student, teacher, 2, 5));
        // With μ₂ = 0 and μ₁ > 0 the score is GIoU alone; with μ₁ = 0, the L1 distance alone: the same choices here.
        Assert.Equal(new long[] { 2, 0 }, DistributionRectification.MatchToTeacher(student, teacher, 0, 1));
    }

    [Fact]
    public void L_DRD_is_zero_when_the_student_equals_the_teacher_and_the_L2_distance_otherwise()
    {
        var targets = new[] { Target(new long[] { 0 }, new[] { 0.5f, 0.5f, 0.2f, 0.2f }) };
        using var boxes = tensor(new float[] { 0.5f, 0.5f, 0.2f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f }).reshape(1, 2, 4);
        using var features = randn(1, 2, 3, generator: new Generator(23));
        Assert.Equal(0, DistributionRectification.Loss(features, features, boxes, boxes, targets, 0.5, 2, 5).item<float>(), 5);
        // Only query 0 is foreground; it matches teacher query 0; the student's feature moved by (3, 4, 0): distance 5.
        using var moved = features.clone();
        moved[0, 0] += tensor(new float[] { 3, 4, 0 });
        moved[0, 1] += 100;
        Assert.Equal(5, DistributionRectification.Loss(moved, features, boxes, boxes, targets, 0.5, 2, 5).item<float>(), 4);
    }

    [Fact]
    public void Rectified_queries_have_per_feature_mean_beta_and_std_gamma()
    {
        using var rectify = new QueryRectify(3, 1e-5, 0.1);
        using (no_grad())
        {
            rectify.get_parameter("weight")!.copy_(tensor(new float[] { 2, -0.5f, 1 }));
            rectify.get_parameter("bias")!.copy_(tensor(new float[] { 1, 0, -3 }));
        }
        rectify.train();
        using var q = randn(4, 5, 3, generator: new Generator(24)) * 7 + 2;
        using var y = rectify.forward(q).reshape(-1, 3);
        Assert.Equal(new[] { 1f, 0f, -3f }, y.mean(new long[] { 0 }).data<float>().ToArray().Select(v => MathF.Round(v, 4)));
        // Biased std over the 20 queries, as the normalisation uses: |γ|.
        Assert.Equal(new[] { 2f, 0.5f, 1f }, y.std(0, unbiased: false).data<float>().ToArray().Select(v => MathF.Round(v, 3)));
        Assert.Contains("running_mean", rectify.state_dict().Keys);
    }

    [Fact]
    public void A_Q_DETR_student_trains_with_L_DRD_from_its_teacher_and_without_it_as_the_baseline()
    {
        var items = FashionMnist.LoadSplit(FashionMnist.Locate(null, full: false), "t10k");
        using var train = ObjectCanvases.Generate(items, 16, size: 32, minSide: 8, maxSide: 16, seed: 5);
        using var test = ObjectCanvases.Generate(items, 4, size: 32, minSide: 8, maxSide: 16, seed: 6);
        using var teacher = new TinyDetr();
        var options = new DetectionOptions(Epochs: 1, BatchSize: 8, Device: "cpu");
        using var student = new TinyQDetr();
        Assert.Throws<InvalidOperationException>(() => new DetectionTrainer(options, TextWriter.Null).Fit(student, train, test));
        Assert.Throws<ArgumentException>(() => student.Distillation.From(new TinyDetrW4A4()));
        student.Distillation.From(teacher);
        var distilled = new DetectionTrainer(options, TextWriter.Null).Fit(student, train, test);
        Assert.True(distilled[0].Drd > 0);
        Assert.All(teacher.parameters(), p => Assert.Null(p.grad));
        using var baseline = new TinyQDetr();
        baseline.Distillation.WithoutTeacher();
        Assert.Equal(0, new DetectionTrainer(options, TextWriter.Null).Fit(baseline, train, test)[0].Drd);
    }
}
