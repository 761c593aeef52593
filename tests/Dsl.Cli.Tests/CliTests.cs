using System.Text.RegularExpressions;
using System.Text.Json;
using Dsl.Cli;

namespace Dsl.Cli.Tests;

public class CliTests
{
    private static string Sample(string name) =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), name, SearchOption.AllDirectories).Single();

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Temp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-cli-{Guid.NewGuid():N}.cmodel");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Cost_of_DeiT_small_prints_4_599_GMACs()
    {
        var (code, output, _) = Run("cost", Sample("DeiTSmall.cmodel"), "--model", "DeiTSmall");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("DeiTSmall: 4.599 GMACs per sample, 22.05 M parameters", output);
        Assert.Contains("blocks.11.mlp", output);
        var total = output.Split('\n').Single(l => l.StartsWith("total", StringComparison.Ordinal));
        Assert.Contains("4,598,882,304", total);
        Assert.Contains("22,050,664", total);
    }

    [Fact]
    public void Cost_of_DeiT_small_with_DiffRates_published_rates_prints_2_905_GMACs()
    {
        var (code, output, _) = Run("cost", Sample("DeiTSmall.cmodel"), "--model", "DeiTSmallDiffRate");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("DeiTSmallDiffRate: 2.905 GMACs per sample, 22.05 M parameters", output);
        Assert.Contains("blocks.11.mlp", output);
    }

    [Fact]
    public void Cost_shows_bits_bops_and_ops_for_a_binary_network()
    {
        var (code, output, _) = Run("cost", Sample("BiViT.cmodel"), "--model", "BiViTPlain");
        Assert.Equal(CommandLine.Ok, code);
        var qkv = output.Split('\n').Single(l => l.StartsWith("blocks.0.attn ", StringComparison.Ordinal));
        Assert.Contains("W1A1", qkv);
        var head = output.Split('\n').Single(l => l.StartsWith("head ", StringComparison.Ordinal));
        Assert.DoesNotContain("W1A1", head);
        Assert.Contains("OPs = BOPs/64 + full-precision MACs", output);
        var (_, json, _) = Run("cost", Sample("BiViT.cmodel"), "--model", "BiViTPlain", "--json");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.GetProperty("models")[0];
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        var bops = layers.Sum(l => l.GetProperty("bops").GetInt64());
        var fullPrecision = layers.Where(l => !l.TryGetProperty("bits", out _)).Sum(l => l.GetProperty("macs").GetInt64());
        Assert.Equal(bops, root.GetProperty("bops").GetInt64());
        // Every binary layer runs all its MACs at 1×1 bit; the rest stay MACs.
        Assert.Equal(root.GetProperty("macs").GetInt64(), bops + fullPrecision);
        Assert.Equal(bops / 64.0 + fullPrecision, root.GetProperty("ops").GetDouble(), 6);
    }

    [Fact]
    public void Cost_json_has_model_macs_params_and_layers()
    {
        var (code, output, _) = Run("cost", Sample("EdsrBaseline.cmodel"), "--json");
        Assert.Equal(CommandLine.Ok, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement.GetProperty("models")[0];
        Assert.Equal("EdsrBaseline", root.GetProperty("model").GetString());
        Assert.Equal(1_369_859, root.GetProperty("params").GetInt64());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("macs").GetInt64(), layers.Sum(l => l.GetProperty("macs").GetInt64()));
        Assert.Equal(new long[] { -1, 3, 96, 96 }, root.GetProperty("output").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("head", layers[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Cost_lists_each_bit_width_of_a_multibit_model_as_a_row_in_the_table_and_the_json()
    {
        // linear 16 → 32 (512 MACs a branch) in the body, classifier 32 → 10 (320 MACs) outside.
        var file = Temp("model M @multibit(bits: [2, 4]) {\n    input x: [N, 16]\n    output x -> linear(32) -> linear(10) as head @exempt(multibit)\n}\n");
        var (code, table, _) = Run("cost", file);
        Assert.Equal(CommandLine.Ok, code);
        var rows = table.Split('\n').Select(l => l.TrimEnd()).ToList();
        var header = rows.FindIndex(l => l.StartsWith("setting"));
        Assert.Equal(new[] { "setting", "MACs", "BOPs" }, rows[header].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // b2: one branch, 512·2·2 BOPs; b4: two branches, 1,024·2·4.
        Assert.Equal(new[] { "b2", "832", "2,048" }, rows[header + 2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "b4", "1,344", "8,192" }, rows[header + 3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var (_, output, _) = Run("cost", file, "--json");
        using var json = JsonDocument.Parse(output);
        var settings = json.RootElement.GetProperty("models")[0].GetProperty("settings").EnumerateArray().ToList();
        Assert.Equal(new[] { "b2", "b4" }, settings.Select(s => s.GetProperty("setting").GetString()));
        Assert.Equal(new long[] { 2_048, 8_192 }, settings.Select(s => s.GetProperty("bops").GetInt64()));
        File.Delete(file);
    }

    [Fact]
    public void Cost_json_has_one_shape_for_one_model_or_several_and_typed_annotation_values()
    {
        var path = Temp("model A {\n input x: [N, 4]\n output x -> linear(2) @quant(w: 4, a: 8, zero_point: true, weight: per_tensor)\n}\nmodel B {\n input x: [N, 4]\n output x -> linear(3)\n}\n");
        using var both = JsonDocument.Parse(Run("cost", path, "--json").Out);
        using var one = JsonDocument.Parse(Run("cost", path, "--model", "A", "--json").Out);
        foreach (var root in new[] { both.RootElement, one.RootElement })
        {
            Assert.Equal(JsonValueKind.Object, root.ValueKind);
            Assert.Equal(1, root.GetProperty("schema").GetInt32());
            Assert.Equal(path, root.GetProperty("file").GetString());
        }
        Assert.Equal(new[] { "A", "B" }, both.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        var quant = one.RootElement.GetProperty("models")[0].GetProperty("layers")[0].GetProperty("annotations").GetProperty("quant");
        Assert.Equal(4, quant.GetProperty("w").GetInt32());
        Assert.Equal(8, quant.GetProperty("a").GetInt32());
        Assert.Equal(JsonValueKind.True, quant.GetProperty("zero_point").ValueKind);
        Assert.Equal("per_tensor", quant.GetProperty("weight").GetString());
    }

    [Fact]
    public void Cost_reports_named_outputs_and_features_in_the_table_and_the_json()
    {
        var path = Temp("model D {\n input x: [N, 8]\n h = x -> linear(16)\n feature hidden: h\n output logits: h -> linear(3), boxes: h -> linear(4)\n}\n");
        var table = Run("cost", path);
        Assert.Contains("D (" + path + "): input [N, 8] -> outputs logits [N, 3], boxes [N, 4]", table.Out);
        Assert.Contains("features: hidden [N, 16]", table.Out);
        using var json = JsonDocument.Parse(Run("cost", path, "--json").Out);
        var model = json.RootElement.GetProperty("models")[0];
        var outputs = model.GetProperty("outputs").EnumerateObject().Select(p => $"{p.Name} {string.Join(",", p.Value.EnumerateArray().Select(d => d.GetInt64()))}");
        Assert.Equal(new[] { "logits -1,3", "boxes -1,4" }, outputs);
        Assert.Equal(new long[] { -1, 16 }, model.GetProperty("features").GetProperty("hidden").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(new long[] { -1, 3 }, model.GetProperty("output").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public void Cost_selects_a_model_by_name_and_names_the_ones_there_are()
    {
        var path = Temp("model A {\n input x: [N, 4]\n output x -> linear(2)\n}\nmodel B {\n input x: [N, 4]\n output x -> linear(3)\n}\n");
        var (code, output, _) = Run("cost", path, "--model", "B", "--json");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(15, JsonDocument.Parse(output).RootElement.GetProperty("models")[0].GetProperty("params").GetInt64());
        var missing = Run("cost", path, "--model", "C");
        Assert.Equal(CommandLine.Usage, missing.Code);
        Assert.Contains("has no model 'C'; it has: A, B", missing.Err);
    }

    [Fact]
    public void Check_prints_msbuild_diagnostics_and_fails_on_errors()
    {
        var path = Temp("model M {\n    input x: [N, 4]\n    output x -> lienar(2)\n}\n");
        var (code, output, _) = Run("check", path);
        Assert.Equal(CommandLine.FileErrors, code);
        Assert.Contains($"{path}(3,17): error CM0002: unknown layer or block 'lienar'; did you mean 'linear'?", output);
        Assert.Contains("1 file checked: 1 error, 0 warnings", output);
    }

    [Fact]
    public void Check_passes_the_samples()
    {
        var samples = new[] { "FashionResNet.cmodel", "DeiTSmall.cmodel", "EdsrBaseline.cmodel" }.Select(Sample).ToArray();
        var (code, output, _) = Run(new[] { "check" }.Concat(samples).ToArray());
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("3 files checked: 0 errors, 0 warnings", output);
    }

    [Fact]
    public void Cost_refuses_a_file_with_errors()
    {
        var (code, _, err) = Run("cost", Temp("model M {\n input x: [N, 4]\n output x -> linear(2.5)\n}\n"));
        Assert.Equal(CommandLine.FileErrors, code);
        Assert.Contains("error CM0005", err);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "check" }, "give one or more .cmodel files")]
    [InlineData(new[] { "cost" }, "give a .cmodel file")]
    [InlineData(new[] { "cost", "/nonexistent/x.cmodel" }, "cannot read /nonexistent/x.cmodel")]
    public void Usage_errors_exit_2_with_a_message(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Train_compiles_a_file_in_memory_and_trains_its_model()
    {
        var path = Temp("model Small {\n    input x: [N, 1, 28, 28]\n    h = x -> conv2d(8, kernel: 3, stride: 2, padding: 1) -> batch_norm -> relu\n    output h -> adaptive_avg_pool2d(1) -> flatten -> linear(10)\n}\n");
        var weights = Path.ChangeExtension(path, ".safetensors");
        // The file has one model, so --model may be left out.
        var (code, output, err) = Run("train", path, "--epochs", "2", "--save", weights);
        Assert.True(code == CommandLine.Ok, err);
        Assert.Contains("epoch 2/2: train loss", output);
        Assert.Contains("MACs per image     14,192", output);
        Assert.Contains("parameters         186", output);
        Assert.True(File.Exists(weights));
    }

    [Theory]
    [InlineData("model Big {\n input x: [N, 3, 32, 32]\n output x -> flatten -> linear(10)\n}\n", "--model Big", "needs a model from [N, 1, 28, 28] to [N, 10]; Big maps [N, 3, 32, 32] to [N, 10]")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--model B", "has no model 'B'; it has: A")]
    [InlineData("model D {\n input x: [N, 1, 28, 28]\n h = x -> flatten\n output logits: h -> linear(10), boxes: h -> linear(4)\n}\n", "--model D", "D returns named outputs; cmodel train trains a classifier with one input and one output, so train it from C# (README, Training)")]
    [InlineData("model D {\n input x: [N, 1, 28, 28]\n input y: [N, 4]\n output x -> flatten -> linear(10)\n}\n", "--model D", "D takes several inputs; cmodel train trains a classifier with one input and one output, so train it from C# (README, Training)")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--model A --epochs zero", "--epochs, --batch-size, --seed and --ranks take whole numbers")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--model A --data /nonexistent", "/nonexistent: no such folder")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--model A --colour red", "unknown option --colour")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--device cuda", "device 'cuda' was asked for but CUDA is not available")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--device tpu", "unknown device 'tpu'; expected auto, cpu, cuda or cuda:N")]
    [InlineData("model A {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\nmodel B {\n input x: [N, 1, 28, 28]\n output x -> flatten -> linear(10)\n}\n", "--epochs 1", "declares the models A, B; choose one with --model NAME")]
    public void Train_explains_what_it_cannot_do(string source, string arguments, string message)
    {
        var (code, _, err) = Run(new[] { "train", Temp(source) }.Concat(arguments.Split(' ')).ToArray());
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Train_reports_file_errors_like_check()
    {
        var path = Temp("model A {\n    input x: [N, 1, 28, 28]\n    output x -> flaten -> linear(10)\n}\n");
        var (code, _, err) = Run("train", path, "--model", "A");
        Assert.Equal(CommandLine.FileErrors, code);
        Assert.Contains($"{path}(3,17): error CM0002: unknown layer or block 'flaten'; did you mean 'flatten'?", err);
    }

    [Fact]
    public void The_READMEs_cost_example_ends_as_it_says()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Dsl.sln"))) root = root.Parent!;
        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md"));
        var example = System.Text.RegularExpressions.Regex.Match(readme, @"`cmodel cost (\S+) --model (\S+)` ends with\s+`([^`]+)`");
        Assert.True(example.Success, "the README has no cost example");
        var (code, output, _) = Run("cost", Path.Combine(root.FullName, example.Groups[1].Value), "--model", example.Groups[2].Value);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(example.Groups[3].Value, output.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void Files_checked_together_share_their_blocks_and_cost_takes_a_library()
    {
        var lib = Temp("block Stem(channels: int) {\n    input x: [N, C, H, W]\n    output x -> conv2d(channels, kernel: 3, padding: 1) -> relu\n}\n");
        var net = Temp("model Net {\n    input x: [N, 1, 8, 8]\n    output x -> Stem(4) -> flatten -> linear(2)\n}\n");
        var (code, output, _) = Run("check", lib, net);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("2 files checked: 0 errors, 0 warnings", output);
        Assert.Equal(CommandLine.FileErrors, Run("cost", net).Code);
        var (costCode, json, _) = Run("cost", net, "--lib", lib, "--json");
        Assert.Equal(CommandLine.Ok, costCode);
        // Stem's conv: 8·8·4 outputs × 1·9, then 256 → 2.
        Assert.Equal(8 * 8 * 4 * 9 + 256 * 2, JsonDocument.Parse(json).RootElement.GetProperty("models")[0].GetProperty("macs").GetInt64());
    }

    /// <summary>train/ and test/ with dark and bright 12×12 RGB images: a task any model learns in a few steps.</summary>
    private static string ImageFolderData()
    {
        var root = Directory.CreateTempSubdirectory("cmodel-cli-images-").FullName;
        var random = new Random(1);
        foreach (var split in new[] { "train", "test" })
        {
            foreach (var (cls, level) in new[] { ("bright", 0.8), ("dark", 0.2) })
            {
                Directory.CreateDirectory(Path.Combine(root, split, cls));
                for (var i = 0; i < (split == "train" ? 32 : 8); i++)
                {
                    using var image = TorchSharp.torch.full(3, 12, 12, level + 0.1 * (random.NextDouble() - 0.5));
                    Dsl.Runtime.Data.ImageFiles.SavePng(image, Path.Combine(root, split, cls, $"{i}.png"));
                }
            }
        }
        return root;
    }

    [Fact]
    public void Train_takes_an_image_folder_of_any_size_and_class_count()
    {
        var data = ImageFolderData();
        var path = Temp("model Small {\n    input x: [N, 3, 12, 12]\n    output x -> conv2d(4, kernel: 3, padding: 1) -> relu -> adaptive_avg_pool2d(1) -> flatten -> linear(2)\n}\n");
        var (code, output, err) = Run("train", path, "--data", data, "--epochs", "4", "--lr", "0.05", "--batch-size", "16");
        Assert.True(code == CommandLine.Ok, err);
        Assert.Contains($"on {Path.Combine(data, "train")} (64 images)", output);
        Assert.Matches(@"test top-1\s+100\.0", output);

        var wrong = Temp("model Fashion {\n    input x: [N, 1, 28, 28]\n    output x -> flatten -> linear(10)\n}\n");
        var refused = Run("train", wrong, "--data", data);
        Assert.Equal(CommandLine.Usage, refused.Code);
        Assert.Contains($"{Path.Combine(data, "train")} (64 images) needs a model from [N, 3, 12, 12] to [N, 2]; Fashion maps [N, 1, 28, 28] to [N, 10]", refused.Err);
    }

    [Fact]
    public void Train_on_two_ranks_ends_with_the_weights_of_one_process()
    {
        var data = ImageFolderData();
        // No bias before the BatchNorm: its true gradient is 0, and AdamW turns the float noise in it into full-size steps.
        var path = Temp("model Small {\n    input x: [N, 3, 12, 12]\n    output x -> conv2d(4, kernel: 3, padding: 1, bias: false) -> batch_norm -> relu -> adaptive_avg_pool2d(1) -> flatten -> linear(2)\n}\n");
        var (one, two) = (Path.ChangeExtension(path, ".one.safetensors"), Path.ChangeExtension(path, ".two.safetensors"));
        var single = Run("train", path, "--data", data, "--epochs", "2", "--batch-size", "12", "--save", one);
        Assert.True(single.Code == CommandLine.Ok, single.Err);
        var (code, output, err) = Run("train", path, "--data", data, "--epochs", "2", "--batch-size", "12", "--ranks", "2", "--save", two);
        Assert.True(code == CommandLine.Ok, err + output);
        Assert.Contains("× 2 ranks (MPI)", output);
        Assert.Single(Regex.Matches(output, "training summary"));
        var (a, b) = (Dsl.Runtime.Weights.PyTorchWeights.Read(one), Dsl.Runtime.Weights.PyTorchWeights.Read(two));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a.Keys, key => Assert.True((a[key].to_type(TorchSharp.torch.ScalarType.Float64) - b[key].to_type(TorchSharp.torch.ScalarType.Float64)).abs().max().item<double>() < 1e-5, key));
    }

    [Fact]
    public void Train_refuses_a_batch_smaller_than_the_ranks()
    {
        var path = Temp("model Small {\n    input x: [N, 1, 28, 28]\n    output x -> flatten -> linear(10)\n}\n");
        var (code, _, err) = Run("train", path, "--batch-size", "2", "--ranks", "3");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--batch-size is the global batch, shared by the ranks: at least 3 for --ranks 3", err);
    }

    [Fact]
    public void Train_learns_token_rates_when_the_model_has_a_target()
    {
        var data = ImageFolderData();
        var path = Temp("""
            block B(dim: int) {
                input x: [N, T, dim]
                h = x + (x -> layer_norm -> attention(2))
                output h + (h -> layer_norm -> mlp(hidden: dim * 2))
            }
            model V {
                input x: [N, 3, 12, 12]
                t = x -> patch_embed(dim: 8, patch: 3) -> cls_token -> pos_embed
                t = t -> repeat(2) { B(8) } as blocks @tokens(target: 0.97, granularity: 2)
                output t -> cls_select -> linear(2)
            }
            """);
        var (code, output, err) = Run("train", path, "--data", data, "--epochs", "1", "--batch-size", "16");
        Assert.True(code == CommandLine.Ok, err);
        Assert.Matches(@"learned schedule, to paste into [^:]+: @tokens\(prune: \[17, \d+\], merge: \[17, \d+\]\)", output);
    }

    [Fact]
    public void Cost_reports_bops_and_ops_worked_out_by_hand()
    {
        // linear 16 → 8 in full precision (128 MACs), then a binary linear 8 → 4 (32 MACs at 1·1
        // bit) and a W4A2 linear 4 → 2 (8 MACs at 4·2 bits = 64 BOPs).
        var path = Temp("model M {\n    input x: [N, 16]\n    output x -> linear(8) -> linear(4) @binarize(method: plain) -> linear(2) @quant(w: 4, a: 2)\n}\n");
        var (code, json, _) = Run("cost", path, "--json");
        Assert.Equal(CommandLine.Ok, code);
        var model = JsonDocument.Parse(json).RootElement.GetProperty("models")[0];
        Assert.Equal(128 + 32 + 8, model.GetProperty("macs").GetInt64());
        Assert.Equal(32 * 1 + 8 * 4 * 2, model.GetProperty("bops").GetInt64());
        // OPs = BOPs/64 + full-precision MACs = 96/64 + 128.
        Assert.Equal(129.5, model.GetProperty("ops").GetDouble(), 9);
        var layers = model.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(new[] { null, "W1A1", "W4A2" }, layers.Select(l => l.TryGetProperty("bits", out var b) ? b.GetString() : null));
    }
}

/// <summary>A method's own metric in cmodel cost: a column where the model uses it, its total in the JSON either way.</summary>
public class PruneCostTests
{
    [Fact]
    public void Cost_shows_the_nonzero_parameters_of_a_pruned_model()
    {
        // linear 16 → 8 pruned by half: 64 of 128 weights go, 72 of 136 parameters stay; the
        // dense linear 8 → 4 keeps its 36.
        var path = Path.Combine(Path.GetTempPath(), $"prune-{Guid.NewGuid():N}.cmodel");
        File.WriteAllText(path, "model P {\n    input x: [N, 16]\n    output x -> linear(8) @prune(amount: 0.5) -> relu -> linear(4)\n}\n");
        var (code, output, _) = CliTests.Run("cost", path);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("pruned: 108 of 172 parameters nonzero (62.8 %)", output);
        Assert.Matches(@"linear\s+linear\s+\[N, 8\]\s+128\s+136\s+72\s+@prune", output);
        var (_, json, _) = CliTests.Run("cost", path, "--json");
        var model = JsonDocument.Parse(json).RootElement.GetProperty("models")[0];
        Assert.Equal(108, model.GetProperty("nonzero").GetInt64());
        Assert.Equal(new[] { 72L, 0L, 36L }, model.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("nonzero").GetInt64()));
        File.Delete(path);
    }
}
