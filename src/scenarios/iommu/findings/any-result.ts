// The return codes a fuzzer reproducer accepts from every operation: the report is the violation,
// not the errno (the F12 and F13 built-ins are the fuzzer's minimized programs).
import { EBUSY, EINVAL, ENODEV, ENOMEM, ENOTTY, EPROBE_DEFER } from '../../../sync/index.js';

export const anyResult = [0, -ENODEV, -ENOMEM, -EBUSY, -EINVAL, -ENOTTY, -EPROBE_DEFER];
