using static Dsl.Parser.Tests.TestSupport;

namespace Dsl.Parser.Tests;

/// <summary>DETR's layers: layers that take tensors by name, their shapes and costs by the rule, and the errors when the tensors do not fit.</summary>
public class DetrLayerTests
{
    private const string Detr = """
        model D(queries: int = 5, d: int = 32) {
            input img: [N, 8, 6, 10]
            src = img -> conv2d(d, kernel: 1) as input_proj
            pos = src -> sine_position
            s = src -> reshape([d, -1]) -> permute([0, 2, 1])
            m = s -> detr_encoder_layer(4, 64, pos: pos) as encoder
            q = m -> query_embed(queries) as query_embed
            h = (q * 0) -> detr_decoder_layer(4, 64, memory: m, pos: pos, query_pos: q) as decoder
            output h
        }
        """;

    [Fact]
    public void Encoder_and_decoder_layers_cost_their_attentions_and_feed_forwards()
    {
        var model = Single(Compile(Detr));
        var layers = model.Cost.Layers.ToDictionary(l => l.Path);
        // T = 6·10 = 60 tokens of d = 32, FFN 64. Encoder: in_proj 3·T·d², out_proj T·d², Q·Kᵀ and A·V 2·T²·d, FFN 2·T·d·64.
        const long t = 60, d = 32, q = 5, f = 64;
        Assert.Equal(4 * t * d * d + 2 * t * t * d + 2 * t * d * f, layers["encoder"].Macs);
        // Decoder: self-attention on Q = 5 queries 4·Q·d² + 2·Q²·d; cross-attention Q·d² (queries) + 2·T·d² (keys, values) + Q·d² (out) + 2·Q·T·d; FFN 2·Q·d·64.
        Assert.Equal(4 * q * d * d + 2 * q * q * d + 2 * q * d * d + 2 * t * d * d + 2 * q * t * d + 2 * q * d * f, layers["decoder"].Macs);
        // Parameters: an attention 4d² + 4d; the FFN d·64 + 64 + 64·d + d; LayerNorms 2d each (2 in the encoder, 3 in the decoder).
        Assert.Equal((4 * d * d + 4 * d) + (2 * d * f + f + d) + 4 * d, layers["encoder"].Params);
        Assert.Equal(2 * (4 * d * d + 4 * d) + (2 * d * f + f + d) + 6 * d, layers["decoder"].Params);
        Assert.Equal(q * d, layers["query_embed"].Params);
        Assert.Equal("[N, 60, 32]", layers["sine_position"].Output.ToString());
        Assert.Equal("[N, 5, 32]", model.Cost.Output.ToString());
    }

    [Theory]
    [InlineData("detr_encoder_layer(4, 64) as encoder", "CM0006", "detr_encoder_layer needs argument 'pos' (a tensor: its input 'pos', as in detr_encoder_layer(..., pos: h))")]
    [InlineData("detr_encoder_layer(4, 64, pos: s -> linear(16)) as encoder", "CM0010", "detr_encoder_layer's pos must be [N, 60, 32], but it is [N, 60, 16]")]
    [InlineData("detr_encoder_layer(3, 64, pos: pos) as encoder", "CM0025", "detr_encoder_layer heads (3) must divide the width (32)")]
    public void A_tensor_input_that_is_missing_or_does_not_fit_is_located(string encoder, string id, string message)
    {
        var result = Compile(Detr.Replace("detr_encoder_layer(4, 64, pos: pos) as encoder", encoder));
        var error = result.Diagnostics.First(e => e.IsError);
        Assert.Equal(id, error.Id);
        Assert.Contains(message, error.Message);
        Assert.Equal(6, error.Start.Line + 1);
    }

    [Fact]
    public void A_layer_of_several_inputs_cannot_be_repeated()
    {
        var result = Compile(Detr.Replace("detr_encoder_layer(4, 64, pos: pos) as encoder", "repeat(2) { detr_encoder_layer(4, 64, pos: pos) }"));
        Assert.Contains(result.Diagnostics, e => e.Message.Contains("layer 'detr_encoder_layer' takes several inputs, so it cannot be repeated"));
    }

    [Fact]
    public void Quantized_DETR_layers_count_weight_products_at_w_a_and_attention_products_at_a_a()
    {
        var model = Single(Compile(Detr.Replace("model D(queries: int = 5, d: int = 32) {", "model D(queries: int = 5, d: int = 32) @quant(w: 4, a: 8) {")));
        var layers = model.Cost.Layers.ToDictionary(l => l.Path);
        const long t = 60, d = 32, q = 5;
        // Encoder: Q·Kᵀ and A·V over 60 tokens are 2·T²·d activation products (8·8 bits); the rest 4·8.
        var encoderProducts = 2 * t * t * d;
        Assert.Equal((layers["encoder"].Macs - encoderProducts) * 32 + encoderProducts * 64, layers["encoder"].Bops());
        // Decoder: self-attention 2·Q²·d and cross-attention 2·Q·T·d, the memory's T known from its input.
        var decoderProducts = 2 * q * q * d + 2 * q * t * d;
        Assert.Equal((layers["decoder"].Macs - decoderProducts) * 32 + decoderProducts * 64, layers["decoder"].Bops());
        // LSQ's steps: per output row of in_proj (3d) and out_proj, linear1, linear2; one per input (6 in the encoder);
        // q, k, v and softmax steps per attention (1 in the encoder).
        var full = Single(Compile(Detr)).Cost.Layers.ToDictionary(l => l.Path);
        Assert.Equal(full["encoder"].Params + (3 * d + d + 64 + d) + 6 + 4, layers["encoder"].Params);
        Assert.Equal(full["decoder"].Params + 2 * (3 * d + d) + 64 + d + 10 + 8, layers["decoder"].Params);
    }
}
