using System.Text.Json;
using Dsl.Runtime.Data;
using Dsl.Runtime.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// GAN training and DCD: the adversarial losses, CycleGAN's image pool, the Gram matrix, the
/// Fréchet distance against scipy, edges, L_DCD and where its gradient goes, the recipes'
/// steps and their checkpoints.
/// </summary>
public class GanTests
{
    [Fact]
    public void The_adversarial_losses_are_least_squares_and_cross_entropy_on_logits()
    {
        using var half = full(new long[] { 2, 1, 3, 3 }, 0.5f);
        Assert.Equal(0.25, GanLoss.Of(half, true, GanObjective.Lsgan).item<float>(), 6);
        Assert.Equal(0.25, GanLoss.Of(half, false, GanObjective.Lsgan).item<float>(), 6);
        using var zero = zeros(2, 1, 3, 3);
        Assert.Equal(Math.Log(2), GanLoss.Of(zero, true, GanObjective.Vanilla).item<float>(), 6);
        using var sure = full(new long[] { 1, 1, 2, 2 }, 3f);
        // −log σ(3) for "real", −log(1 − σ(3)) = 3 − log σ(3)... for "fake".
        Assert.Equal(Math.Log(1 + Math.Exp(-3)), GanLoss.Of(sure, true, GanObjective.Vanilla).item<float>(), 5);
        Assert.Equal(Math.Log(1 + Math.Exp(3)), GanLoss.Of(sure, false, GanObjective.Vanilla).item<float>(), 5);
    }

    [Fact]
    public void The_image_pool_returns_what_CycleGANs_pool_returns()
    {
        // Size 2: the first two images fill it and come back; then a coin above ½ swaps the new
        // image with the stored one at the drawn index, and a coin at or below ½ returns the new one.
        var coins = new Queue<double>(new[] { 0.7, 0.3, 0.9 });
        var indices = new Queue<int>(new[] { 1, 0 });
        using var pool = new ImagePool(2, () => coins.Dequeue(), _ => indices.Dequeue());
        using var first = Images(1, 2);
        using var returned1 = pool.Query(first);
        Assert.Equal(new[] { 1f, 2f }, Values(returned1));
        using var second = Images(3, 4, 5);
        using var returned2 = pool.Query(second);
        // 3: coin 0.7, index 1 → the stored 2 comes back, 3 is stored: pool [1, 3]. 4: coin 0.3 → 4.
        // 5: coin 0.9, index 0 → the stored 1 comes back: pool [5, 3].
        Assert.Equal(new[] { 2f, 4f, 1f }, Values(returned2));
        Assert.Equal(2, pool.Count);
        using var none = new ImagePool(0);
        using var passed = none.Query(second);
        Assert.Equal(new[] { 3f, 4f, 5f }, Values(passed));
    }

    private static Tensor Images(params float[] values) => tensor(values).reshape(values.Length, 1, 1, 1);

    private static float[] Values(Tensor t) => t.flatten().data<float>().ToArray();

    [Fact]
    public void The_Gram_matrix_is_symmetric_and_equals_its_definition()
    {
        // One sample, C = 2 channels over H·W = 2 positions: F = [[1, 2], [3, 4]], G = F·Fᵀ / (C·H·W) = [[5, 11], [11, 25]] / 4.
        using var features = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 2, 1, 2);
        using var gram = GramMatrix.Of(features);
        Assert.Equal(new[] { 5f / 4, 11f / 4, 11f / 4, 25f / 4 }, Values(gram));
        using var random = randn(3, 5, 4, 3, generator: new Generator(1));
        using var g = GramMatrix.Of(random);
        Assert.Equal(new long[] { 3, 5, 5 }, g.shape);
        Assert.True(g.allclose(g.transpose(1, 2)));
        // The style loss is the mean |ΔG|: against a map of twice the values every entry is 3·G.
        using var doubled = features * 2;
        Assert.Equal((5 + 11 + 11 + 25) / 4.0 * 3 / 4, GramMatrix.StyleLoss(doubled, features).item<float>(), 5);
    }

    [Fact]
    public void The_Frechet_distance_matches_scipys_and_is_zero_for_a_set_against_itself()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fid.json"))).RootElement;
        var (n, d) = (fixture.GetProperty("n").GetInt32(), fixture.GetProperty("d").GetInt32());
        using var i = arange(n, ScalarType.Float64).unsqueeze(1);
        using var j = arange(d, ScalarType.Float64).unsqueeze(0);
        using var a = (0.37 * i + 1.3 * j).sin() + 0.1 * j;
        using var b = 0.8 * (0.21 * i * (j + 1)).cos() + 0.05 * i / n;
        // To 1e-7 relative: scipy's sqrtm (Schur) and our symmetric eigendecompositions round differently.
        Assert.Equal(fixture.GetProperty("fid_a_b").GetDouble(), FrechetDistance.Between(a, b), 6);
        Assert.Equal(0, FrechetDistance.Between(a, a), 6);
        // Shifting one set by v adds |v|² and nothing else.
        using var shifted = a + tensor(new double[] { 1, 0, 2, 0, 0, 0 });
        Assert.Equal(5, FrechetDistance.Between(a, shifted), 6);
    }

    [Fact]
    public void Sobel_edges_outline_a_square_and_leave_its_inside_and_outside_blank()
    {
        using var image = zeros(1, 1, 12, 12);
        image[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(3, 9), TensorIndex.Slice(3, 9)] = ones(6, 6);
        using var edges = ShoeEdges.Edges(image);
        Assert.Equal(1f, edges[0, 0, 5, 2].item<float>());
        Assert.Equal(1f, edges[0, 0, 3, 5].item<float>());
        Assert.Equal(0f, edges[0, 0, 5, 5].item<float>());
        Assert.Equal(0f, edges[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Edge_shoe_pairs_hold_the_three_shoe_classes_in_minus_one_to_one()
    {
        using var images = rand(6, 1, 28, 28, generator: new Generator(2));
        using var labels = tensor(new long[] { 5, 0, 7, 9, 3, 7 });
        using var split = new ImageClassificationData(images.alias(), labels.alias(), 10, "test");
        using var pairs = ShoeEdges.Pairs(split);
        Assert.Equal(4, pairs.Count);
        Assert.Equal(new long[] { 4, 1, 32, 32 }, pairs.Targets.shape);
        Assert.Equal(-1f, pairs.Targets[0, 0, 0, 0].item<float>());
        Assert.Equal(images[2, 0, 0, 0].item<float>() * 2 - 1, pairs.Targets[1, 0, 2, 2].item<float>(), 5);
        Assert.True(pairs.Sources.abs().eq(1).all().item<bool>());
    }

    [Fact]
    public void Unpaired_domains_are_two_classes_and_the_shorter_repeats_within_an_epoch()
    {
        using var images = rand(7, 1, 28, 28, generator: new Generator(13));
        using var labels = tensor(new long[] { 7, 9, 7, 7, 1, 9, 7 });
        using var split = new ImageClassificationData(images.alias(), labels.alias(), 10, "test");
        using var domains = ShoeEdges.Unpaired(split, 7, 9);
        Assert.False(domains.Paired);
        Assert.Equal((4L, 2L), (domains.Sources.shape[0], domains.Targets.shape[0]));
        var batches = domains.Batches(2, seed: 0, CPU).ToList();
        // Four sneakers make two batches of two; the two ankle boots come round once per batch.
        Assert.Equal(2, batches.Count);
        var boots = batches.SelectMany(b => Enumerable.Range(0, 2).Select(i => b.Target[i].sum().item<float>())).ToList();
        Assert.Equal(2, boots.Distinct().Count());
        Assert.Equal(boots.Take(2).OrderBy(v => v), boots.Skip(2).OrderBy(v => v));
    }

    /// <summary>A DCD distiller for <paramref name="student"/>, prepared on a probe batch.</summary>
    private static (GeneratorDistiller Distiller, nn.Module Adapters, TinyPatchD Discriminator, Dictionary<string, TorchSharp.Modules.OptimizerHelper> Optimizers)
        Dcd(nn.Module<Tensor, Tensor> student, TinyTeacherG teacher, Tensor probe)
    {
        var discriminator = new TinyPatchD();
        var distillation = ((IDistilledGenerator)student).Distillation;
        distillation.From(teacher, discriminator);
        var distiller = (GeneratorDistiller)distillation.CreateDistiller(student)!;
        var parts = distiller.Trained(CPU, probe, Pix2Pix.Pair).ToList();
        var optimizers = parts.ToDictionary(p => p.Name, p => (TorchSharp.Modules.OptimizerHelper)optim.Adam(p.Parameters, 1e-3));
        return (distiller, parts.Single(p => p.Name == "adapters").Module, discriminator, optimizers);
    }

    [Fact]
    public void L_DCD_is_zero_when_student_and_teacher_map_to_the_same_adapter_outputs()
    {
        manual_seed(3);
        using var teacher = new TinyTeacherG();
        using var twin = new TinyTwinDcd();
        twin.load_state_dict(teacher.state_dict());
        using var x = randn(4, 1, 8, 8, generator: new Generator(4));
        var (distiller, adapters, _, optimizers) = Dcd(twin, teacher, x);
        distiller.TeacherPhase(x, x, Pix2Pix.Pair, GanObjective.Lsgan, name => optimizers[name]);
        var (_, features) = twin.ForwardWithFeatures(x);
        var maps = features.Named.ToDictionary(n => n.Name, n => n.Tensor);
        // Fresh adapters differ: the loss is positive. With the teacher's adapters copied to the student's, it is 0.
        Assert.True(distiller.DiscriminatorFeatureLoss(maps).item<float>() > 1e-4);
        var state = adapters.state_dict();
        using (no_grad())
        {
            foreach (var (name, value) in state.Where(kv => kv.Key.StartsWith("teacher.")))
                state["student." + name["teacher.".Length..]].copy_(value);
        }
        adapters.eval();
        Assert.Equal(0, distiller.DiscriminatorFeatureLoss(maps).item<float>(), 6);
    }

    [Fact]
    public void No_gradient_of_L_DCD_reaches_the_teacher_or_the_discriminator()
    {
        manual_seed(5);
        using var teacher = new TinyTeacherG();
        using var student = new TinyStudentDcd();
        using var x = randn(4, 1, 8, 8, generator: new Generator(6));
        var (distiller, adapters, discriminator, optimizers) = Dcd(student, teacher, x);
        distiller.TeacherPhase(x, x, Pix2Pix.Pair, GanObjective.Lsgan, name => optimizers[name]);
        foreach (var p in discriminator.parameters()) p.grad = null;
        var (_, features) = student.ForwardWithFeatures(x);
        var loss = distiller.DiscriminatorFeatureLoss(features.Named.ToDictionary(n => n.Name, n => n.Tensor));
        loss.backward();
        Assert.All(teacher.parameters(), p => Assert.Null(p.grad));
        Assert.All(discriminator.parameters(), p => Assert.Null(p.grad));
        Assert.Contains(student.parameters(), p => p.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.All(adapters.named_parameters().Where(p => p.name.StartsWith("student.")), p => Assert.NotNull(p.parameter.grad));
        Assert.All(adapters.named_parameters().Where(p => p.name.StartsWith("teacher.")), p => Assert.Null(p.parameter.grad));
        // The discriminator's parameters train again afterwards (its own phase needs them).
        Assert.All(discriminator.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_distilled_generator_refuses_the_wrong_teacher_and_training_without_one()
    {
        using var student = new TinyStudentDcd();
        using var wrong = new TinyStudentG();
        Assert.Throws<ArgumentException>(() => student.Distillation.From(wrong, new TinyPatchD()));
        using var teacher = new TinyTeacherG();
        Assert.Throws<ArgumentException>(() => student.Distillation.From(teacher));
        Assert.Throws<InvalidOperationException>(() => student.Distillation.CreateDistiller(student));
        student.Distillation.WithoutTeacher();
        Assert.Null(student.Distillation.CreateDistiller(student));
    }

    private static ImagePairs TinyPairs(long seed, bool paired = true)
    {
        var g = new Generator((ulong)seed);
        return new ImagePairs(rand(8, 1, 8, 8, generator: g) * 2 - 1, rand(8, 1, 8, 8, generator: g) * 2 - 1, paired, "random");
    }

    [Fact]
    public void A_DCD_student_step_trains_student_adapters_and_discriminator_but_not_the_teacher()
    {
        manual_seed(7);
        using var teacher = new TinyTeacherG();
        using var student = new TinyStudentDcd();
        using var discriminator = new TinyPatchD();
        student.Distillation.From(teacher, discriminator);
        var before = (Teacher: Snapshot(teacher), Student: Snapshot(student), D: Snapshot(discriminator));
        using var data = TinyPairs(8);
        using var recipe = new Pix2Pix(student, new TinyPatchD(), new GanOptions(1, BatchSize: 4, Device: "cpu"));
        var summary = new GanTrainer(recipe.Options, TextWriter.Null).Fit(recipe, data);
        Assert.Equal(2, summary.Steps);
        Assert.Equal(new[] { "generator", "adapters", "teacher discriminator" }, recipe.Parts.Select(p => p.Name));
        Assert.True(Same(before.Teacher, teacher));
        Assert.False(Same(before.Student, student));
        Assert.False(Same(before.D, discriminator));
        Assert.Contains("DCD", summary.Epochs[0].Keys);
        Assert.Contains("D_T", summary.Epochs[0].Keys);
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module m) => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    private static bool Same(Dictionary<string, Tensor> before, nn.Module m) => m.state_dict().All(kv => kv.Value.allclose(before[kv.Key], 0, 0));

    [Fact]
    public void A_resumed_Pix2Pix_run_ends_as_an_uninterrupted_one()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-gan-").FullName;
        try
        {
            using var data = TinyPairs(9);
            Dictionary<string, Tensor> Run(int epochs, string? checkpoint, out TinyStudentFeatures student)
            {
                manual_seed(10);
                using var teacher = new TinyTeacherG();
                student = new TinyStudentFeatures();
                student.Distillation.From(teacher);
                using var recipe = new Pix2Pix(student, new TinyPatchD(), new GanOptions(epochs, BatchSize: 4, Device: "cpu", Seed: 3, CheckpointPath: checkpoint));
                new GanTrainer(recipe.Options, TextWriter.Null).Fit(recipe, data);
                return Snapshot(student);
            }
            var straight = Run(2, null, out var s1);
            var path = Path.Combine(folder, "run.ckpt");
            Run(1, path, out var s2);
            var resumed = Run(2, path, out var s3);
            Assert.All(straight, kv => Assert.True(kv.Value.allclose(resumed[kv.Key], rtol: 1e-5, atol: 1e-6), kv.Key));
            Assert.False(Same(straight, s2));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_CycleGAN_step_trains_both_generators_and_both_discriminators()
    {
        manual_seed(11);
        using var ga = new TinyStudentG();
        using var gb = new TinyStudentG();
        using var da = new TinyImageD();
        using var db = new TinyImageD();
        var before = new[] { Snapshot(ga), Snapshot(gb), Snapshot(da), Snapshot(db) };
        using var data = TinyPairs(12, paired: false);
        using var recipe = new CycleGan(ga, gb, da, db, new GanOptions(1, BatchSize: 4, Device: "cpu"));
        var folder = Directory.CreateTempSubdirectory("cmodel-cycle-").FullName;
        try
        {
            var trainer = new GanTrainer(recipe.Options with { SamplesFolder = folder }, TextWriter.Null);
            var summary = trainer.Fit(recipe, data, (data.Sources.narrow(0, 0, 2), data.Targets.narrow(0, 0, 2)));
            Assert.Equal(new[] { "G_A", "G_B", "cycle", "idt", "D_A", "D_B" }, summary.Epochs[0].Keys);
            Assert.True(File.Exists(Path.Combine(folder, "epoch-001.png")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var after = new nn.Module[] { ga, gb, da, db };
        for (var k = 0; k < 4; k++) Assert.False(Same(before[k], after[k]));
    }

    [Fact]
    public void A_Pix2Pix_step_is_the_discriminator_step_then_the_generator_step_written_out()
    {
        manual_seed(14);
        using var generator = new TinyStudentG();
        using var discriminator = new TinyPatchD();
        using var g = new TinyStudentG();
        using var d = new TinyPatchD();
        g.load_state_dict(generator.state_dict());
        d.load_state_dict(discriminator.state_dict());
        using var a = rand(4, 1, 8, 8, generator: new Generator(15)) * 2 - 1;
        using var b = rand(4, 1, 8, 8, generator: new Generator(16)) * 2 - 1;
        using var recipe = new Pix2Pix(generator, discriminator, new GanOptions(1));
        recipe.Prepare(CPU, a);
        var losses = recipe.Step(a, b);

        // By hand: D on ½·(MSE(D(a, b), 1) + MSE(D(a, G(a) detached), 0)); then G on MSE(D(a, G(a)), 1) + 100·|G(a) − b|₁; Adam(2e-4, 0.5, 0.999) each.
        using var optD = optim.Adam(d.parameters(), 2e-4, 0.5, 0.999);
        using var optG = optim.Adam(g.parameters(), 2e-4, 0.5, 0.999);
        g.train();
        var fake = g.forward(a);
        optD.zero_grad();
        var realScore = d.forward(cat(new[] { a, b }, 1));
        var fakeScore = d.forward(cat(new[] { a, fake.detach() }, 1));
        var lossD = 0.5 * ((realScore - 1).square().mean() + fakeScore.square().mean());
        lossD.backward();
        optD.step();
        optG.zero_grad();
        var lossG = (d.forward(cat(new[] { a, fake }, 1)) - 1).square().mean() + 100 * (fake - b).abs().mean();
        lossG.backward();
        optG.step();

        Assert.Equal(lossD.item<float>(), losses["D"], 5);
        Assert.All(generator.state_dict(), kv => Assert.True(kv.Value.allclose(g.state_dict()[kv.Key], rtol: 1e-5, atol: 1e-7), kv.Key));
        Assert.All(discriminator.state_dict(), kv => Assert.True(kv.Value.allclose(d.state_dict()[kv.Key], rtol: 1e-5, atol: 1e-7), kv.Key));
    }
}
