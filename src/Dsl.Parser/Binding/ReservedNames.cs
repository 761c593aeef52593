using System.Collections.Generic;

namespace Dsl.Parser.Binding;

/// <summary>
/// Names a layer field cannot take because TorchSharp's Module&lt;Tensor, Tensor&gt; already has
/// a member of that name (a test checks this list against the real type).
/// </summary>
public static class ReservedNames
{
    public static readonly HashSet<string> ModuleMembers = new()
    {
        "forward", "call", "train", "eval", "training", "parameters", "named_parameters", "modules", "named_modules",
        "children", "named_children", "state_dict", "load_state_dict", "load", "save", "to", "cuda", "cpu", "apply",
        "zero_grad", "register_buffer", "register_parameter", "register_module", "buffers", "named_buffers",
        "get_buffer", "get_parameter", "get_submodule", "set_submodule", "half", "float", "double", "bfloat16",
        "requires_grad", "requires_grad_", "RegisterComponents", "Dispose", "GetName", "GetType", "Equals",
        "GetHashCode", "ToString", "MemberwiseClone", "Finalize", "name", "handle", "_internal_buffers",
        "_internal_params", "_internal_submodules", "_toEpilog", "_forward_pre_hooks", "_forward_hooks",
        "register_forward_hook", "register_forward_pre_hook", "_to", "_toEpilog", "extra_repr",
    };
}
