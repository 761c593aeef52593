namespace Dsl.Onnx.Methods.Tokens;

/// <summary>
/// The token stack's state as forward carries it (TokenState at run time): each token's size (how
/// many patches it holds), whether a merge has happened (attention then adds log size to every
/// key's logit), and the latest block's class attention, which the next reduction sorts by.
/// </summary>
internal sealed class TokenFlow
{
    /// <summary>The sizes [N, T, 1], set by the stack's start.</summary>
    public string? Sizes { get; set; }

    public bool Merged { get; set; }

    /// <summary>The class token's attention to each other token, averaged over heads: [N, T − 1].</summary>
    public string? ClassAttention { get; set; }
}
