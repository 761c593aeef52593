using Dsl.Parser.Diagnostics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Tests;

/// <summary>Every construct of LANGUAGE.md parses into the tree it means, with spans.</summary>
public class SyntaxTests
{
    private static FileSyntax Parse(string text)
    {
        var source = new SourceText("t.cmodel", text);
        var bag = new DiagnosticBag(source);
        var file = SyntaxParser.Parse(source, bag);
        Assert.Empty(bag.Items);
        return file;
    }

    [Fact]
    public void Comments_anywhere_are_trivia()
    {
        var file = Parse("// a\n/* b\n c */ model /* d */ M(/**/) { // e\n input x: [N, /* f */ 4] output x }");
        var decl = Assert.Single(file.Declarations);
        Assert.Equal("M", decl.Name.Text);
        Assert.Equal(2, decl.Body.Count);
    }

    [Fact]
    public void Block_header_has_typed_parameters_with_defaults()
    {
        var decl = Parse("block B(channels: int, stride: int = 1, scale: float = 0.5, on: bool = true) { input x: [N, C] output x }").Declarations[0];
        Assert.Equal(DeclarationKind.Block, decl.Kind);
        Assert.Equal(new[] { "channels", "stride", "scale", "on" }, decl.Parameters.Select(p => p.Name.Text));
        Assert.Equal(new[] { "int", "int", "float", "bool" }, decl.Parameters.Select(p => p.Type.Text));
        Assert.Null(decl.Parameters[0].Default);
        Assert.Equal(0.5, Assert.IsType<NumberSyntax>(decl.Parameters[2].Default).Value);
    }

    [Fact]
    public void Pipeline_stages_with_arguments_names_and_annotations()
    {
        var text = "model M { input x: [N, 4] output x -> linear(8, bias: false) as fc @a(1) @b -> relu }";
        var output = Assert.IsType<OutputSyntax>(Parse(text).Declarations[0].Body[1]);
        var pipe = Assert.IsType<PipelineSyntax>(output.Value);
        var linear = Assert.IsType<LayerStageSyntax>(pipe.Stages[0]);
        Assert.Equal("linear", linear.Name.Text);
        Assert.Null(linear.Arguments[0].Name);
        Assert.Equal("bias", linear.Arguments[1].Name!.Text);
        Assert.Equal("fc", linear.Alias!.Text);
        Assert.Equal(new[] { "a", "b" }, linear.Annotations.Select(a => a.Name.Text));
        var relu = Assert.IsType<LayerStageSyntax>(pipe.Stages[1]);
        Assert.False(relu.HasParentheses);
        Assert.Equal(text.IndexOf("linear", StringComparison.Ordinal), linear.Span.Start);
    }

    [Fact]
    public void Repeat_holds_a_pipeline_of_stages()
    {
        var text = "model M { input x: [N, 4] output x -> repeat(3) { linear(4) -> relu } as body }";
        var pipe = Assert.IsType<PipelineSyntax>(((OutputSyntax)Parse(text).Declarations[0].Body[1]).Value);
        var repeat = Assert.IsType<RepeatStageSyntax>(pipe.Stages[0]);
        Assert.Equal(2, repeat.Body.Count);
        Assert.Equal("body", repeat.Alias!.Text);
    }

    [Fact]
    public void Arithmetic_has_the_usual_precedence_and_arrow_binds_loosest()
    {
        var text = "model M { input x: [N, 4] h = x + x * 2 - x output (h + x) -> relu }";
        var body = Parse(text).Declarations[0].Body;
        var sum = Assert.IsType<BinarySyntax>(((AssignmentSyntax)body[1]).Value);
        Assert.Equal('-', sum.Operator);
        var left = Assert.IsType<BinarySyntax>(sum.Left);
        Assert.Equal('+', left.Operator);
        Assert.Equal('*', Assert.IsType<BinarySyntax>(left.Right).Operator);
        var pipe = Assert.IsType<PipelineSyntax>(((OutputSyntax)body[2]).Value);
        Assert.IsType<BinarySyntax>(pipe.Source);
    }

    [Fact]
    public void Values_are_ints_floats_bools_words_lists_and_parameter_arithmetic()
    {
        var text = "model M { input x: [N, 4] output x -> f(1, 2.5, 1e-6, true, reflect, [1, 2], dim * 4, c / 2, -1) }";
        var stage = (LayerStageSyntax)((PipelineSyntax)((OutputSyntax)Parse(text).Declarations[0].Body[1]).Value).Stages[0];
        var values = stage.Arguments.Select(a => a.Value).ToList();
        Assert.True(((NumberSyntax)values[0]).IsInteger);
        Assert.False(((NumberSyntax)values[1]).IsInteger);
        Assert.Equal(1e-6, ((NumberSyntax)values[2]).Value);
        Assert.True(((BoolSyntax)values[3]).Value);
        Assert.Equal("reflect", ((NameSyntax)values[4]).Name.Text);
        Assert.Equal(2, ((ListSyntax)values[5]).Items.Count);
        Assert.Equal('*', ((BinarySyntax)values[6]).Operator);
        Assert.Equal('/', ((BinarySyntax)values[7]).Operator);
        Assert.IsType<UnarySyntax>(values[8]);
    }

    [Fact]
    public void Keywords_are_not_prefixes_of_names()
    {
        // 'relu' starts like 'repeat', 'feats' like 'false', 'tokens' like 'true', 'asset' like 'as'.
        var decl = Parse("model M(feats: int = 2) { input x: [N, 4] tokens = x -> relu -> linear(feats) asset = tokens output asset }").Declarations[0];
        Assert.Equal(4, decl.Body.Count);
    }

    [Fact]
    public void Concat_is_a_call_in_expression_position()
    {
        var text = "model M { input x: [N, 4] output concat(x, x -> relu, dim: 1) }";
        var call = Assert.IsType<CallSyntax>(((OutputSyntax)Parse(text).Declarations[0].Body[1]).Value);
        Assert.Equal(3, call.Arguments.Count);
        Assert.IsType<PipelineSyntax>(call.Arguments[1].Value);
    }
}
